/**
 * The Coupa simulator: a deterministic HTTP stand-in for Coupa's Core REST API (all 25 catalog
 * objects), with knobs for the hazards a poller must survive. See README.md beside this file.
 */
export { startSimulator, type Simulator } from './server';
export type { SimulatorOptions } from './options';
export type { SimulatorControl, EditOptions, ConcurrentEditsConfig, ListRequestHook, ListRequestInfo } from './control';
export type { Fault } from './faults';
export type { RequestLogEntry } from './request-log';
export type { RecordVersion } from './store';
export type { SimClock } from './clock';
export type { RateLimit, RateLimitScope } from './rate-limiter';
