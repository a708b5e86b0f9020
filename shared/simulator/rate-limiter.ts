import type { SimClock } from './clock';

/**
 * Coupa's documented limit: 25 requests per second with a burst allowance of 20, as a token bucket
 * refilled by the simulator clock (so tests move time instead of sleeping). Coupa's budget is one per
 * instance, shared by every integration; what the simulator keys its buckets on is the `scope`.
 */
export type RateLimitScope = 'client' | 'token' | 'instance';

export const RATE_LIMIT_SCOPES: readonly RateLimitScope[] = ['client', 'token', 'instance'];

export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
  /**
   * What one bucket covers: `client`, one per OAuth client id (callers without a valid token: one per
   * address); `token`, one per access token (same fallback); `instance`, one for every API request,
   * whoever sends it, as Coupa's limit is.
   * @default 'client'
   */
  readonly scope?: RateLimitScope;
  /** Send `Retry-After` (whole seconds until the bucket has a token) on rate-limit 429s. @default the `rateLimitRetryAfter` option */
  readonly retryAfter?: boolean;
}

/** Who sent a request, as far as the bucket keys go. */
export interface Caller {
  /** The OAuth client of a valid bearer token. */
  readonly clientId?: string;
  /** The valid bearer token itself. */
  readonly token?: string;
  readonly address: string;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private limit: RateLimit | false,
    private readonly clock: SimClock,
    private readonly retryAfterByDefault = false,
  ) {
    if (limit) checkScope(limit.scope);
  }

  configure(limit: RateLimit | false): void {
    if (limit) checkScope(limit.scope);
    this.limit = limit;
    this.buckets.clear();
  }

  /** Takes one token from the caller's bucket; false when it is empty (→ 429). */
  tryTake(caller: Caller): boolean {
    if (!this.limit) return true;
    const key = this.keyOf(caller);
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, atMs: now };
    const elapsed = Math.max(0, now - bucket.atMs);
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (elapsed / 1000) * this.limit.perSecond);
    bucket.atMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** The `Retry-After` value for a refused caller: whole seconds until its bucket has a token; undefined when not sent. */
  retryAfterSeconds(caller: Caller): number | undefined {
    if (!this.limit || !(this.limit.retryAfter ?? this.retryAfterByDefault)) return undefined;
    const bucket = this.buckets.get(this.keyOf(caller));
    const missing = bucket ? Math.max(0, 1 - bucket.tokens) : 0;
    return Math.max(1, Math.ceil(missing / this.limit.perSecond));
  }

  private keyOf(caller: Caller): string {
    const scope = (this.limit ? this.limit.scope : undefined) ?? 'client';
    if (scope === 'instance') return 'instance';
    const own = scope === 'token' ? caller.token : caller.clientId;
    return own === undefined ? `anonymous:${caller.address}` : `${scope}:${own}`;
  }
}

function checkScope(scope: unknown): void {
  if (scope !== undefined && !RATE_LIMIT_SCOPES.includes(scope as RateLimitScope))
    throw new Error(`Unknown rate-limit scope ${String(scope)}: use ${RATE_LIMIT_SCOPES.join(', ')}`);
}
