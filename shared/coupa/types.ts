// Types shared by the client, the OAuth functions and their options. No logic here.

/** A record as Coupa returns it: dashed keys, nested objects, decimals as strings or numbers. */
export type CoupaRecord = Record<string, unknown>;

/** The `fetch` the client calls; inject one for tests or proxies. @default globalThis.fetch */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Why an attempt failed in a way that may be retried. */
export type FailureKind = 'status' | 'timeout' | 'network';

/** Passed to `onRetry` just before a retry is sent (after the wait). */
export interface RetryEvent {
  readonly method: string;
  /** Path and query, secrets redacted. */
  readonly path: string;
  /** Number of the attempt about to be made (2 for the first retry). */
  readonly attempt: number;
  readonly reason: FailureKind;
  /** Status of the failed attempt, when it got an answer. */
  readonly status?: number;
  /** Network error code (ECONNRESET, …) of the failed attempt, when known. */
  readonly code?: string;
  /** How long the client waited before this retry. */
  readonly delayMs: number;
  /** True when the wait came from Coupa's `Retry-After` rather than our backoff. */
  readonly retryAfter: boolean;
}

/** Passed to `onRequest` after every HTTP attempt (including retries and token requests). */
export interface RequestEvent {
  readonly method: string;
  /** Path and query, secrets redacted. */
  readonly path: string;
  /** HTTP status, absent when the attempt got no answer. */
  readonly status?: number;
  /** Error name (TypeError, AbortError…) when the attempt got no answer. */
  readonly error?: string;
  readonly durationMs: number;
}
