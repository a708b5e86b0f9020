// How long a 429/503 response asks us to wait. Mirrors ky 1.14's own reading of these headers (same
// header order, same number/date rules) so the wait ky sleeps and the `retryAfterMs` we report agree.
// Coupa documents no rate-limit headers at all; we honour the standard ones when they appear.

/** Headers ky consults, in its order; the first one present wins, even if it cannot be parsed. */
const HEADERS = ['Retry-After', 'RateLimit-Reset', 'X-RateLimit-Retry-After', 'X-RateLimit-Reset', 'X-Rate-Limit-Reset'];

/** ky treats numbers at or above this (ms) as absolute epoch timestamps rather than delays. */
const TIMESTAMP_THRESHOLD_MS = Date.parse('2024-01-01');

/** The wait a response asked for. */
export type RetryAfter =
  | { readonly kind: 'absent' }
  /** A header was present but neither a number nor an HTTP date. */
  | { readonly kind: 'invalid'; readonly header: string }
  | { readonly kind: 'wait'; readonly ms: number };

/**
 * Reads `Retry-After` (seconds or HTTP date) or the rate-limit reset headers ky also honours.
 * The wait is never negative (a date in the past means "now").
 *
 * @example
 * readRetryAfter(new Headers({ 'Retry-After': '2' })) // → { kind: 'wait', ms: 2000 }
 */
export function readRetryAfter(headers: Headers, now: number = Date.now()): RetryAfter {
  for (const header of HEADERS) {
    const value = headers.get(header);
    // ky skips empty values (falsy), so do we.
    if (!value) continue;
    let ms = Number(value) * 1000;
    if (Number.isNaN(ms)) ms = Date.parse(value) - now;
    else if (ms >= TIMESTAMP_THRESHOLD_MS) ms -= now;
    if (!Number.isFinite(ms)) return { kind: 'invalid', header };
    return { kind: 'wait', ms: Math.max(0, Math.round(ms)) };
  }
  return { kind: 'absent' };
}
