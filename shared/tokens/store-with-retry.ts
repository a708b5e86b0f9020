// Retrying a write the refresher cannot afford to lose (a rotated single-use refresh token, the new
// access token): bounded attempts with doubling backoff, no new attempt after the time budget.
import { STORE_ATTEMPTS, STORE_BACKOFF_BASE_MS, STORE_BUDGET_MS } from './refresh-timing';

export interface StoreRetryOptions {
  /** @default STORE_ATTEMPTS */
  readonly attempts?: number;
  /** First backoff; doubles per retry. @default STORE_BACKOFF_BASE_MS */
  readonly backoffBaseMs?: number;
  /** No attempt starts after this long. @default STORE_BUDGET_MS */
  readonly budgetMs?: number;
}

export interface RetryClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called before each retry with the failed attempt's error (never holding the value written). */
  readonly onRetry?: (attempt: number, error: unknown) => void;
}

/** Runs `write` until it succeeds; rethrows the last error when attempts or budget run out. */
export async function storeWithRetry(write: () => Promise<void>, clock: RetryClock, options: StoreRetryOptions = {}): Promise<void> {
  const attempts = options.attempts ?? STORE_ATTEMPTS;
  const base = options.backoffBaseMs ?? STORE_BACKOFF_BASE_MS;
  const deadline = clock.now() + (options.budgetMs ?? STORE_BUDGET_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (error) {
      const delay = base * 2 ** (attempt - 1);
      if (attempt >= attempts || clock.now() + delay > deadline) throw error;
      clock.onRetry?.(attempt, error);
      await clock.sleep(delay);
    }
  }
}
