// The retry policy: one decision function, plus the glue that hands it to ky's retry loop.
//
//   429                        → any method: wait as Coupa asks (Retry-After, up to maxRetryAfterMs),
//                                else exponential backoff with jitter. A rate-limited request was not
//                                processed, so even POST is safe to resend.
//   500/502/503/504/408,
//   timeouts, resets and other
//   network errors             → idempotent methods only (GET, HEAD, PUT, PATCH, DELETE): backoff (503
//                                honours Retry-After). POST is never resent: Coupa may have applied it.
//   DNS "no such host"         → never (a wrong host does not fix itself).
//   anything else (4xx, aborts,
//   errors of our own)         → never: fail fast.
//
// A 401 is not handled here: the client refreshes the token once and resends (see client.ts).
//
// With a deadline (`deadlineMs` of a request), a retry is made only if its wait (the backoff, or the
// Retry-After) plus MIN_ATTEMPT_MS still ends before the deadline; otherwise the last failure is
// reported at once ('deadline'), as the error it is (Coupa.Transient, Coupa.RateLimited…). The
// transport also cuts each attempt's timeout to the time left (transport.ts).
import { HTTPError, TimeoutError, type RetryOptions } from 'ky';
import type { NormalizedRetryOptions } from './options';
import { readRetryAfter, type RetryAfter } from './retry-timing';

/** A failed attempt, reduced to what the policy and the error mapping need. */
export type Failure =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter: RetryAfter }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly code?: string; readonly notSent: boolean }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'other' };

/**
 * What to do about a failure: give up, back off, wait as the response asked, or give up because the
 * wait and another attempt would not end before the caller's deadline.
 */
export type RetryDecision = 'fail' | 'backoff' | 'retry-after' | 'deadline';

/** The least time worth giving another attempt: a retry that would leave less before the deadline is not made. */
export const MIN_ATTEMPT_MS = 1_000;

const RETRYABLE_STATUS = new Set([408, 500, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Connection failures that happen before the request is written: it never reached Coupa. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Classifies whatever a fetch attempt threw: ky's HTTPError/TimeoutError, undici's
 * `TypeError('fetch failed')` (with a `cause.code`), an abort, or anything else.
 */
export function classifyFailure(error: unknown, now: number = Date.now()): Failure {
  if (error instanceof HTTPError) {
    return { kind: 'status', status: error.response.status, retryAfter: readRetryAfter(error.response.headers, now) };
  }
  if (error instanceof TimeoutError) return { kind: 'timeout' };
  // Duck-typed: DOMException and undici's errors may come from another realm (e.g. jest's vm).
  if (typeof error !== 'object' || error === null) return { kind: 'other' };
  const { name, message } = error as { name?: unknown; message?: unknown };
  // ky wraps throws that fail `instanceof Error` (errors from another realm) in a NonError.
  if (name === 'NonError' && 'value' in error) return classifyFailure((error as { value: unknown }).value, now);
  if (name === 'AbortError') return { kind: 'aborted' };
  // Our own errors (e.g. from a token request) were already retried where they happened.
  if (typeof name === 'string' && name.startsWith('Coupa.')) return { kind: 'other' };
  const code = networkCode(error);
  if (
    code !== undefined ||
    (name === 'TypeError' && typeof message === 'string' && /fetch failed|network|socket|terminated/i.test(message))
  ) {
    return code === undefined ? { kind: 'network', notSent: false } : { kind: 'network', code, notSent: NOT_SENT_CODES.has(code) };
  }
  return { kind: 'other' };
}

/** The error code of a network failure (`ECONNRESET`, `UND_ERR_SOCKET`…), looking through `cause`. */
export function networkCode(error: unknown): string | undefined {
  // `typeof`, not `instanceof Object`: the error may come from another realm.
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // System (ECONNRESET, EAI_AGAIN) and undici (UND_ERR_SOCKET) codes only, not Node's ERR_* bugs.
    if (typeof code === 'string' && /^(?:E[A-Z]+|EAI_[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
  }
  return undefined;
}

/** Is it safe to resend this method after an unknown outcome? PATCH counts: Coupa treats it as PUT. */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** What the policy weighs besides the failure. */
export interface RetryPolicy {
  /** May the request be resent when its outcome is unknown? */
  readonly idempotent: boolean;
  /** Longest `Retry-After` worth sleeping; a longer one fails at once. */
  readonly maxRetryAfterMs: number;
  /** Time left before the caller's deadline; absent: no deadline. */
  readonly remainingMs?: number;
  /** The backoff a 'backoff' decision would sleep (its upper bound, before jitter). @default 0 */
  readonly backoffMs?: number;
}

/**
 * The retry policy as one function (limits are counted by the caller).
 *
 * @param failure - the classified failure of the last attempt.
 * @param policy - idempotency, the Retry-After cap, and the time left before a deadline.
 * @example
 * decideRetry({ kind: 'timeout' }, { idempotent: false, maxRetryAfterMs: 60_000 }) // → 'fail'
 * decideRetry({ kind: 'timeout' }, { idempotent: true, maxRetryAfterMs: 60_000, remainingMs: 800, backoffMs: 500 }) // → 'deadline'
 */
export function decideRetry(failure: Failure, policy: RetryPolicy): RetryDecision {
  const decision = decideIgnoringDeadline(failure, policy);
  if (decision === 'fail' || policy.remainingMs === undefined) return decision;
  const waitMs =
    decision === 'retry-after' && failure.kind === 'status' && failure.retryAfter.kind === 'wait'
      ? failure.retryAfter.ms
      : (policy.backoffMs ?? 0);
  return waitMs + MIN_ATTEMPT_MS <= policy.remainingMs ? decision : 'deadline';
}

function decideIgnoringDeadline(failure: Failure, policy: RetryPolicy): RetryDecision {
  switch (failure.kind) {
    case 'status': {
      const { status, retryAfter } = failure;
      if (status !== 429 && !(RETRYABLE_STATUS.has(status) && policy.idempotent)) return 'fail';
      if (retryAfter.kind === 'wait' && (status === 429 || status === 503)) {
        return retryAfter.ms <= policy.maxRetryAfterMs ? 'retry-after' : 'fail';
      }
      return 'backoff';
    }
    case 'timeout':
      return policy.idempotent ? 'backoff' : 'fail';
    case 'network':
      if (failure.code === 'ENOTFOUND') return 'fail';
      return policy.idempotent ? 'backoff' : 'fail';
    default:
      return 'fail';
  }
}

/** Backoff before retry `n` (1-based), before jitter: base·2^(n-1), capped. */
export function backoffDelayMs(retryCount: number, options: NormalizedRetryOptions): number {
  return Math.min(options.backoffLimitMs, options.backoffBaseMs * 2 ** (retryCount - 1));
}

/** Per-request retry bookkeeping shared with the hooks (for `onRetry` and error messages). */
export interface RetryState {
  /** The last decision's wait, in ms, and whether it came from Retry-After. */
  delayMs: number;
  retryAfter: boolean;
  /** Set when retrying stopped because the next attempt would not end before the deadline. */
  stoppedForDeadline?: boolean;
}

/**
 * ky retry options that apply {@link decideRetry} to one request. ky keeps the loop, the limit, the
 * sleep and the Retry-After arithmetic; we decide what is retried and record the wait.
 *
 * How ky 1.14.3 uses them (Ky.#calculateRetryDelay): the limit is checked first, then `methods` (all
 * are listed: our decision covers methods), then `shouldRetry`: `false` fails, `true` sleeps
 * `delay(n)` through `jitter` (then `backoffLimit`), `undefined` falls through to ky's own status and
 * Retry-After handling, which we use only when the header holds a valid wait within the cap.
 */
export function kyRetryOptions(
  options: NormalizedRetryOptions,
  request: { readonly idempotent: boolean; readonly signal?: AbortSignal; readonly deadlineMs?: number },
  state: RetryState,
): RetryOptions {
  return {
    limit: options.limit,
    methods: ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'],
    statusCodes: [408, 429, 500, 502, 503, 504],
    afterStatusCodes: [429, 503],
    maxRetryAfter: options.maxRetryAfterMs,
    backoffLimit: Number.POSITIVE_INFINITY, // capped in `delay`, before jitter
    retryOnTimeout: true,
    delay: (retryCount) => backoffDelayMs(retryCount, options),
    jitter: (delayMs) => {
      // "Equal jitter": keeps at least half the backoff, so a 429 never turns into an instant retry.
      const jittered = options.jitter ? delayMs / 2 + Math.random() * (delayMs / 2) : delayMs;
      state.delayMs = jittered;
      state.retryAfter = false;
      return jittered;
    },
    shouldRetry: ({ error, retryCount }) => {
      if (request.signal?.aborted) return false;
      const failure = classifyFailure(error);
      const decision = decideRetry(failure, {
        idempotent: request.idempotent,
        maxRetryAfterMs: options.maxRetryAfterMs,
        ...(request.deadlineMs === undefined
          ? {}
          : { remainingMs: request.deadlineMs - Date.now(), backoffMs: backoffDelayMs(retryCount, options) }),
      });
      if (decision === 'deadline') state.stoppedForDeadline = true;
      if (decision === 'fail' || decision === 'deadline') return false;
      if (decision === 'backoff') return true;
      // Let ky sleep the Retry-After itself (it reads the same header the same way).
      state.delayMs = failure.kind === 'status' && failure.retryAfter.kind === 'wait' ? failure.retryAfter.ms : 0;
      state.retryAfter = true;
      return undefined;
    },
  };
}
