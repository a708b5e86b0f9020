import type { SimClock } from './clock';

/**
 * Coupa's documented limit: 25 requests per second with a burst allowance of 20, as a token bucket per
 * client, refilled by the simulator clock (so tests move time instead of sleeping).
 */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private limit: RateLimit | false,
    private readonly clock: SimClock,
  ) {}

  configure(limit: RateLimit | false): void {
    this.limit = limit;
    this.buckets.clear();
  }

  /** Takes one token for `key`; false when the bucket is empty (→ 429). */
  tryTake(key: string): boolean {
    if (!this.limit) return true;
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

  /** Whole seconds until `key` has a token again (for an optional Retry-After). */
  secondsUntilToken(key: string): number {
    if (!this.limit) return 0;
    const bucket = this.buckets.get(key);
    const missing = bucket ? Math.max(0, 1 - bucket.tokens) : 0;
    return Math.max(1, Math.ceil(missing / this.limit.perSecond));
  }
}
