// Synth-time checks of CoupaConnectorProps.pollers, with the rules the poller applies to its own
// environment at cold start (shared/changes/poller-rules.ts): a bad poller fails `cdk synth`, not the
// first scheduled run. Each error names the poller (by index and object) and what to do.
import { Duration, Token } from 'aws-cdk-lib';
import type { CatalogObject } from '../shared/catalog';
import {
  DEFAULT_LAG_SECONDS,
  fieldsProblems,
  filterProblems,
  MAX_INLINE_LIMIT_BYTES,
  MAX_LAG_SECONDS,
  MIN_INLINE_LIMIT_BYTES,
  parseInstant,
  pollableObject,
} from '../shared/changes/poller-rules';
import { triggerLabel, triggerNameProblem } from '../shared/changes/triggers';
import { EVENT_RETURN_TYPES, type EventReturnType } from '../shared/events';
import type { PollerConfig } from './CoupaConnector';
import { DEFAULT_POLL_INTERVAL, scheduleProblem } from './poller-schedule';

export const DEFAULT_POLLER_TIMEOUT = Duration.minutes(5);
export const DEFAULT_POLLER_MEMORY_MB = 512;
/** Lambda's environment holds 4 KB in all; FIELDS and FILTERS get at most this much of it. */
export const MAX_QUERY_ENV_BYTES = 2048;

/** A poller with every default filled in. */
export interface ResolvedPoller {
  readonly object: CatalogObject;
  /** The trigger's name, when the object has several. */
  readonly name?: string;
  /** `invoices` or `invoices:approved` (shared/changes/triggers.ts): the key of `CoupaConnector.pollers`. */
  readonly label: string;
  readonly schedule: Duration;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly lagSeconds: number;
  /** Normalized to `toISOString()`. */
  readonly since?: string;
  readonly returnType: EventReturnType;
  readonly fieldsJson?: string;
  readonly filtersJson?: string;
  readonly inlineLimitBytes?: number;
}

export function validatePollers(pollers: readonly PollerConfig[] | undefined): ResolvedPoller[] {
  if (pollers === undefined) return [];
  if (!Array.isArray(pollers)) throw new Error('CoupaConnector: pollers must be an array of poller configurations');
  const seen = new Map<string, number>();
  const shapes = new Map<string, number>();
  return pollers.map((p, index) => {
    const fail = (message: string): never => {
      throw new Error(`CoupaConnector: pollers[${index}] (${String(p?.object)}${p?.name ? `, ${String(p.name)}` : ''}): ${message}`);
    };
    let object: CatalogObject;
    try {
      object = pollableObject(String(p?.object));
    } catch (error) {
      return fail((error as Error).message);
    }
    if (p.name !== undefined) {
      const problem = triggerNameProblem(p.name);
      if (problem) fail(problem);
    }
    const label = triggerLabel(object.key, p.name);
    const earlier = seen.get(label);
    if (earlier !== undefined) {
      fail(
        p.name === undefined
          ? `duplicate poller for ${object.key} (also pollers[${earlier}]); give every trigger of an object but one a \`name\` (each gets its own cursor)`
          : `duplicate trigger name "${p.name}" for ${object.key} (also pollers[${earlier}])`,
      );
    }
    seen.set(label, index);

    const schedule = p.schedule ?? DEFAULT_POLL_INTERVAL;
    const scheduleIssue = scheduleProblem(schedule);
    if (scheduleIssue) fail(scheduleIssue);
    const timeout = p.timeout ?? (schedule.toSeconds() < DEFAULT_POLLER_TIMEOUT.toSeconds() ? schedule : DEFAULT_POLLER_TIMEOUT);
    const timeoutSeconds = timeout.toSeconds();
    if (timeoutSeconds < 60 || timeoutSeconds > 900)
      fail(
        `timeout must be from 1 to 15 minutes (the poller keeps max(30 s, 20%) of it as a safety margin); got ${timeout.toHumanString()}`,
      );
    if (timeoutSeconds > schedule.toSeconds())
      fail(
        `timeout (${timeout.toHumanString()}) must not exceed schedule (${schedule.toHumanString()}), or one run could still hold the lease when the next starts`,
      );

    const memorySize = p.memorySize ?? DEFAULT_POLLER_MEMORY_MB;
    if (!Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240))
      fail(`memorySize must be a whole number of MB from 128 to 10240; got ${memorySize}`);

    const lagSeconds = p.lagSeconds ?? DEFAULT_LAG_SECONDS;
    if (!Number.isInteger(lagSeconds) || lagSeconds < 0 || lagSeconds > MAX_LAG_SECONDS)
      fail(`lagSeconds must be a whole number from 0 to ${MAX_LAG_SECONDS}; got ${lagSeconds}`);

    let since: string | undefined;
    if (p.since !== undefined) {
      const ms = typeof p.since === 'string' ? parseInstant(p.since) : undefined;
      if (ms === undefined) fail('since must be an ISO 8601 instant with a zone, e.g. 2026-11-01T00:00:00Z');
      since = new Date(ms!).toISOString();
    }

    const returnType = p.returnType ?? 'default';
    if (!(EVENT_RETURN_TYPES as readonly string[]).includes(returnType))
      fail(`returnType must be one of ${EVENT_RETURN_TYPES.join(', ')}; got ${String(returnType)}`);

    const fieldsIssues = p.fields === undefined ? [] : fieldsProblems(p.fields, returnType);
    if (fieldsIssues.length > 0) fail(fieldsIssues.join('; '));
    const filterIssues = p.filters === undefined ? [] : filterProblems(p.filters);
    if (filterIssues.length > 0) fail(filterIssues.join('; '));
    const fieldsJson = p.fields === undefined ? undefined : JSON.stringify(p.fields);
    const filtersJson = p.filters === undefined ? undefined : JSON.stringify(p.filters);
    if (Buffer.byteLength((fieldsJson ?? '') + (filtersJson ?? '')) > MAX_QUERY_ENV_BYTES) {
      fail(`fields and filters take more than ${MAX_QUERY_ENV_BYTES} bytes as JSON; Lambda's environment holds 4 KB in all`);
    }

    const inlineLimitBytes = p.inlineLimitBytes;
    if (
      inlineLimitBytes !== undefined &&
      (!Number.isInteger(inlineLimitBytes) || inlineLimitBytes < MIN_INLINE_LIMIT_BYTES || inlineLimitBytes > MAX_INLINE_LIMIT_BYTES)
    ) {
      fail(
        `inlineLimitBytes must be a whole number from ${MIN_INLINE_LIMIT_BYTES} to ${MAX_INLINE_LIMIT_BYTES} (EventBridge's entry limit); got ${inlineLimitBytes}`,
      );
    }

    // Two triggers of one object asking Coupa the same thing would publish the same events twice.
    const shape = JSON.stringify([object.key, returnType, fieldsJson ?? null, filtersJson ?? null]);
    const twin = shapes.get(shape);
    if (twin !== undefined) {
      fail(`same object, returnType, fields and filters as pollers[${twin}]: the two triggers would publish the same events; drop one`);
    }
    shapes.set(shape, index);

    return {
      object,
      ...(p.name === undefined ? {} : { name: p.name }),
      label,
      schedule,
      timeout,
      memorySize,
      lagSeconds,
      ...(since ? { since } : {}),
      returnType,
      ...(fieldsJson ? { fieldsJson } : {}),
      ...(filtersJson ? { filtersJson } : {}),
      ...(inlineLimitBytes === undefined ? {} : { inlineLimitBytes }),
    };
  });
}
