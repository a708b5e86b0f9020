import type { BucketState, BudgetSettings, Reservation } from './bucket';

/**
 * Where one instance's budget lives (DynamoDB for Lambdas, memory for the CLI). Each call is one atomic
 * step on the shared state, with the arithmetic of bucket.ts; `nowMs` is the caller's clock.
 */
export interface RateBudgetStore {
  readonly settings: BudgetSettings;
  /** Reserves `count` turns, or says when the horizon has room again. */
  reserve(count: number, nowMs: number): Promise<Reservation>;
  /** Records a 429 (and its Retry-After) for every process of the instance. */
  penalise(retryAfterMs: number | undefined, nowMs: number): Promise<void>;
  /** The state as stored, without writing (may be slightly stale). */
  peek(nowMs: number): Promise<BucketState>;
}
