// What a poller may be configured with, checked the same way at synth time (infra/validate-pollers.ts)
// and at cold start (functions/lib/env.ts). Pure: the catalog and plain values, no environment, no AWS.
import { catalog, findObject, type CatalogObject } from '../catalog';
import { ownedKeyOf, POLLER_OWNED_KEYS } from './CoupaRecordSource';
import { normalizePayloadPrefix } from './ports';
import { claimCheckPrefixOf } from './triggers';
import type { EventReturnType } from '../events';

/** Default tolerated visibility lag (design.md hazard 3). */
export const DEFAULT_LAG_SECONDS = 120;
/** Upper bound for `lagSeconds`: a day. Beyond that, events would trail Coupa by more than a day. */
export const MAX_LAG_SECONDS = 86_400;
/** EventBridge refuses entries over 256 KB; the inline limit may not go beyond it. */
export const MAX_INLINE_LIMIT_BYTES = 256 * 1024;
export const MIN_INLINE_LIMIT_BYTES = 1024;

/**
 * Catalog keys a poller can follow: the trigger-capable ones. Objects Coupa serves only under a parent
 * (remit-to addresses under suppliers) are polled by fanning out over the parents (fan-out-poll.ts).
 */
export const pollableObjectKeys = (): string[] => catalog.filter((o) => pollProblem(o) === undefined).map((o) => o.key);

function pollProblem(object: CatalogObject): string | undefined {
  if (!object.capabilities.trigger) return `Coupa offers no change trigger for ${object.key}`;
  return undefined;
}

/** The catalog entry for a pollable object; throws naming the valid keys otherwise. */
export function pollableObject(key: string): CatalogObject {
  const object = findObject(key);
  if (!object) throw new Error(`unknown Coupa object "${key}". Pollable objects: ${pollableObjectKeys().join(', ')}`);
  const problem = pollProblem(object);
  if (problem) throw new Error(`${problem}. Pollable objects: ${pollableObjectKeys().join(', ')}`);
  return object;
}

/** Problems with extra Coupa conditions (`{"status": {"in": ["approved"]}}`), as sentences; empty when fine. */
export function filterProblems(filters: unknown): string[] {
  if (typeof filters !== 'object' || filters === null || Array.isArray(filters)) {
    return ['filters must be an object of Coupa conditions, e.g. {"status":{"in":["approved"]}}'];
  }
  // Refused before any request leaves: the same rule CoupaRecordSource applies at run time.
  const reserved = Object.keys(filters).filter((key) => ownedKeyOf(key) !== undefined);
  return reserved.length > 0
    ? [`filters may not set ${reserved.join(', ')}: the poller pages on ${POLLER_OWNED_KEYS.join(', ')} itself`]
    : [];
}

/** Problems with `fields` (Coupa's `fields=[…]` spec), as sentences; empty when fine. */
export function fieldsProblems(fields: unknown, returnType: EventReturnType): string[] {
  if (!Array.isArray(fields) || fields.length === 0)
    return ['fields must be a non-empty array of attribute names (or {association: [...]} objects)'];
  const bad = fields.filter(
    (f) => !(typeof f === 'string' && f.trim() !== '') && !(typeof f === 'object' && f !== null && !Array.isArray(f)),
  );
  if (bad.length > 0) return ['fields entries must be attribute names or {association: [...]} objects'];
  if (returnType === 'limited')
    return ['fields cannot be combined with returnType "limited" (limited events carry only id, created-at and updated-at)'];
  return [];
}

/** Parses an ISO 8601 instant with a zone (`2026-11-01T00:00:00Z`, `…+01:00`) to epoch ms, or undefined. */
export function parseInstant(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A payload prefix as S3PayloadStore applies it: empty, or ending in `/`. */

/**
 * The S3 key prefixes one poller writes under (the construct grants s3:PutObject on exactly these):
 * claim checks at `<prefix><instance>/<object>/…` (`…/<object>/<trigger>/…` for a named trigger;
 * shared/changes/event-entries.ts) and oversized dead letters at `<prefix>dead-letters/…` (SqsDeadLetterSink).
 */
export const payloadKeyPrefixes = (prefix: string | undefined, instance: string, objectKey: string, trigger?: string): string[] => {
  const p = normalizePayloadPrefix(prefix);
  return [`${p}${claimCheckPrefixOf(instance, objectKey, trigger)}`, `${p}dead-letters/`];
};

/**
 * CloudWatch namespace and metric names of the poller's embedded-metric log lines (dimensions Instance
 * and Object): the handler writes them, the alarms and the dashboard read them.
 */
export const POLL_METRICS = {
  namespace: 'CoupaConnector',
  /** Seconds between the end of a run and its cursor's watermark: how far behind Coupa the events are. */
  watermarkAge: 'WatermarkAgeSeconds',
  published: 'Published',
  requests: 'Requests',
  /** Coupa requests answered 429 (rate limited), and retries of any kind. */
  rateLimited: 'RateLimited',
  retries: 'Retries',
  /** Runs that failed (the error is in the log). */
  errors: 'Errors',
  deadLettered: 'DeadLettered',
  claimChecked: 'ClaimChecked',
  checkpointWrites: 'CheckpointWrites',
  stoppedByDeadline: 'StoppedByDeadline',
  /** Time spent waiting for the instance's shared Coupa request budget (written by the budget, when present). */
  budgetWait: 'BudgetWaitMs',
} as const;

/**
 * V8 flags the poller runs with (NODE_OPTIONS, and the bench's measured runs). A poller turns each
 * page's ~650 KB of JSON into events and drops it at once: a small young generation collects that
 * garbage sooner, cutting peak memory by ~15% and raising throughput (measured with `npm run bench`).
 */
export const POLLER_V8_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
