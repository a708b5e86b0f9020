// Options of the Coupa client and the OAuth calls: user-facing shapes, their defaults, and the one
// function that normalises them (ky's `normalizeRetryOptions` habit: reject bad shapes, drop
// `undefined`, spread over one defaults object).
import type { TokenProvider } from './auth/types';
import { CoupaConfigurationError } from './errors';
import type { RateBudget } from './rate-budget';
import type { FetchLike, RequestEvent, RetryEvent } from './types';

/** Retry tuning. See `retry.ts` for what is retried. */
export interface CoupaRetryOptions {
  /** Retries after the first attempt (so `limit + 1` attempts at most). @default 5 */
  readonly limit?: number;
  /** First backoff delay; doubles per retry. @default 500 */
  readonly backoffBaseMs?: number;
  /** Cap on one backoff delay. @default 15000 */
  readonly backoffLimitMs?: number;
  /**
   * Longest `Retry-After` the client will sleep. A longer ask is not slept: the request fails at once
   * with `Coupa.RateLimited` (or `Coupa.Transient` for 503) carrying `retryAfterMs`, so the caller
   * (a Step Functions Retry, the next poll) can wait instead of a Lambda. @default 60000
   */
  readonly maxRetryAfterMs?: number;
  /** Randomise backoff delays between 50 % and 100 % ("equal jitter"). @default true */
  readonly jitter?: boolean;
}

/** Options every Coupa HTTP call takes: the API client and the OAuth token requests. */
export interface CoupaHttpOptions {
  /** Per-attempt timeout, until response headers arrive. @default 30000 */
  readonly timeoutMs?: number;
  /** A retry limit, or retry tuning. @default { limit: 5 } */
  readonly retry?: number | CoupaRetryOptions;
  /** @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** @default 'coupa-connector' */
  readonly userAgent?: string;
  /** Called before each retry, e.g. to log or count them. Exceptions it throws are ignored. */
  readonly onRetry?: (event: RetryEvent) => void;
  /** Called after each HTTP attempt, for metrics. Exceptions it throws are ignored. */
  readonly onRequest?: (event: RequestEvent) => void;
}

/** OAuth client settings for a client that manages its own tokens (`credentials`). */
export interface CoupaCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** @default 'client_credentials' */
  readonly grantType?: 'client_credentials' | 'authorization_code';
  /** Scopes to request; `core.common.read` is always added. */
  readonly scopes?: readonly string[];
  /** Required for `authorization_code`: the refresh token from {@link exchangeAuthorizationCode}. */
  readonly refreshToken?: string;
  /** Called with each new refresh token Coupa hands out; persist it (the old one stops working). */
  readonly onRefreshTokenRotated?: (refreshToken: string) => void | Promise<void>;
  /** Refresh this long before the access token expires. @default 300000 */
  readonly refreshSkewMs?: number;
}

/** Options of {@link CoupaClient}. Give exactly one of `tokenProvider` and `credentials`. */
export interface CoupaClientOptions extends CoupaHttpOptions {
  /** Instance name (`acme`), host (`acme.coupahost.com`) or URL (`https://acme.coupahost.com`). */
  readonly host: string;
  /** Where bearer tokens come from, e.g. a Secrets Manager-backed provider. */
  readonly tokenProvider?: TokenProvider;
  /** OAuth client credentials; the client then runs its own {@link OAuthTokenProvider}. */
  readonly credentials?: CoupaCredentials;
  /**
   * The instance's shared request budget: every API attempt (retries included) waits for a turn, and
   * a 429 slows the whole instance down (shared/budget). Token requests do not draw from it.
   * @default none: requests are sent at once
   */
  readonly rateBudget?: RateBudget;
}

/** Retry options with every default filled in. */
export type NormalizedRetryOptions = Required<CoupaRetryOptions>;

/** HTTP options with every default filled in. */
export interface NormalizedHttpOptions {
  readonly timeoutMs: number;
  readonly retry: NormalizedRetryOptions;
  readonly fetch: FetchLike;
  readonly userAgent: string;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly onRequest?: (event: RequestEvent) => void;
}

export const defaultRetryOptions: NormalizedRetryOptions = {
  limit: 5,
  backoffBaseMs: 500,
  backoffLimitMs: 15_000,
  maxRetryAfterMs: 60_000,
  jitter: true,
};

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_USER_AGENT = 'coupa-connector';
/** ky (and setTimeout) cannot wait longer than a signed 32-bit number of ms. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Fills in defaults and rejects impossible values once, at the edge.
 *
 * @throws {CoupaConfigurationError} naming the bad option.
 */
export function normalizeHttpOptions(options: CoupaHttpOptions = {}): NormalizedHttpOptions {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  check(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS, 'timeoutMs must be a positive integer (ms)');
  if (options.fetch !== undefined) check(typeof options.fetch === 'function', 'fetch must be a function');
  if (options.userAgent !== undefined) {
    check(typeof options.userAgent === 'string' && /^[\x20-\x7e]+$/.test(options.userAgent), 'userAgent must be printable ASCII');
  }
  return {
    timeoutMs,
    retry: normalizeRetryOptions(options.retry),
    // Bind lazily so tests can replace globalThis.fetch after the client is built.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  };
}

/** Accepts a retry limit or a partial {@link CoupaRetryOptions}. */
export function normalizeRetryOptions(retry: number | CoupaRetryOptions = {}): NormalizedRetryOptions {
  const given: CoupaRetryOptions = typeof retry === 'number' ? { limit: retry } : retry;
  check(typeof given === 'object' && given !== null, 'retry must be a number or an object');
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as CoupaRetryOptions;
  const merged: NormalizedRetryOptions = { ...defaultRetryOptions, ...defined };
  check(Number.isInteger(merged.limit) && merged.limit >= 0 && merged.limit <= 20, 'retry.limit must be an integer from 0 to 20');
  for (const key of ['backoffBaseMs', 'backoffLimitMs', 'maxRetryAfterMs'] as const) {
    check(Number.isFinite(merged[key]) && merged[key] >= 0 && merged[key] <= MAX_TIMEOUT_MS, `retry.${key} must be a number of ms`);
  }
  check(typeof merged.jitter === 'boolean', 'retry.jitter must be true or false');
  return merged;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new CoupaConfigurationError(`Invalid Coupa client option: ${message}`);
}
