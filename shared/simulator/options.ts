import type { RateLimit } from './rate-limiter';

/** How a simulator is started. Everything generated is deterministic from `seed` and the start clock. */
export interface SimulatorOptions {
  /** @default 0 (a free port); the host is always 127.0.0.1 */
  port?: number;
  /** @default 1 */
  seed?: number;
  /** Records generated per object at start: one number for all, or per catalog key (others get 20). @default 20 */
  records?: number | Record<string, number>;
  /** @default 'sim-client' */
  clientId?: string;
  /** @default 'sim-secret' */
  clientSecret?: string;
  /** Added to every `/api` request. @default 0 */
  latencyMs?: number;
  /** IANA zone timestamps are rendered in. @default 'America/Los_Angeles' */
  timeZone?: string;
  /**
   * Token bucket per client, or per token or for the whole instance (`scope`); false disables it.
   * @default {perSecond: 25, burst: 20, scope: 'client'}
   */
  rateLimit?: RateLimit | false;
  /** Send `Retry-After` on rate-limit 429s (Coupa documents none) unless `rateLimit.retryAfter` says otherwise. @default false */
  rateLimitRetryAfter?: boolean;
  /** @default 86399 */
  tokenTtlSeconds?: number;
  /** Answer 403 when a token lacks the object's read/write scope (tokens requested without scopes get all). @default true */
  enforceScopes?: boolean;
  /** The base clock, epoch ms; `control.clock` can freeze and move it. @default Date.now */
  now?: () => number;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'now'>> & { now: () => number };

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const timeZone = options.timeZone ?? 'America/Los_Angeles';
  // Fail at start, not at the first timestamp, on a zone Intl does not know.
  new Intl.DateTimeFormat('en-US', { timeZone });
  return {
    port: options.port ?? 0,
    seed: options.seed ?? 1,
    records: options.records ?? 20,
    clientId: options.clientId ?? 'sim-client',
    clientSecret: options.clientSecret ?? 'sim-secret',
    latencyMs: Math.max(0, options.latencyMs ?? 0),
    timeZone,
    rateLimit: options.rateLimit === undefined ? { perSecond: 25, burst: 20 } : options.rateLimit,
    rateLimitRetryAfter: options.rateLimitRetryAfter ?? false,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 86399,
    enforceScopes: options.enforceScopes ?? true,
    now: options.now ?? Date.now,
  };
}
