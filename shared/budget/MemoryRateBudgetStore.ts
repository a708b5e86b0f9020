import { budgetSettings, penalised, RESTED, reserve, type BucketState, type BudgetSettings, type Reservation } from './bucket';
import { LeasedRateBudget } from './LeasedRateBudget';
import type { RateBudgetStore } from './ports';

/**
 * A budget held in this process: for the CLI (one process polls every object) and tests. `writes`
 * counts the steps a shared store would have written.
 *
 * @example
 * const budget = new LeasedRateBudget({ store: new MemoryRateBudgetStore({ requestsPerSecond: 20 }) });
 */
export class MemoryRateBudgetStore implements RateBudgetStore {
  readonly settings: BudgetSettings;
  writes = 0;
  #state: BucketState = RESTED;

  constructor(settings: Partial<BudgetSettings> = {}) {
    this.settings = budgetSettings(settings);
  }

  async reserve(count: number, nowMs: number): Promise<Reservation> {
    const outcome = reserve(this.#state, this.settings, count, nowMs);
    if (outcome.kind === 'granted') {
      this.#state = outcome.state;
      this.writes++;
    }
    return outcome;
  }

  async penalise(retryAfterMs: number | undefined, nowMs: number): Promise<void> {
    const next = penalised(this.#state, this.settings, nowMs, retryAfterMs);
    if (next === this.#state) return;
    this.#state = next;
    this.writes++;
  }

  async peek(): Promise<BucketState> {
    return this.#state;
  }
}

/** A budget for one process that talks to Coupa alone (the CLI's `poll` and `start`). */
export function localRateBudget(settings: Partial<BudgetSettings> = {}): LeasedRateBudget {
  return new LeasedRateBudget({ store: new MemoryRateBudgetStore(settings) });
}
