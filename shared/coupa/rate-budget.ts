// The port through which every Coupa API request draws on the instance's rate budget. Coupa allows about
// 25 requests/s per instance, shared by every integration the customer runs; pollers and actions of one
// instance therefore take their turn from one budget (shared/budget implements it) rather than each
// keeping to a cap of its own.

/** How long one `acquire` may wait. */
export interface RateBudgetWait {
  /**
   * Epoch ms (`Date.now()` clock) by which the request must have ended: the budget refuses at once when
   * the request's turn (plus `MIN_ATTEMPT_MS`, for the request itself) would come after it.
   */
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
}

/** A turn the budget could not give before the caller's deadline. */
export class RateBudgetRefusal extends Error {
  override readonly name = 'RateBudgetRefusal';
  /** How long until the budget expects a turn to be free. */
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`the instance's Coupa rate budget has no turn free for ${Math.ceil(retryAfterMs)} ms, past the caller's deadline`);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The instance's request budget, as the Coupa client uses it. */
export interface RateBudget {
  /**
   * Resolves when one request may be sent. Rejects with {@link RateBudgetRefusal} when that would be
   * too late for `deadlineMs`, and with the signal's reason when it aborts.
   */
  acquire(wait?: RateBudgetWait): Promise<void>;
  /**
   * Coupa answered 429: slow the whole instance down, and send nothing before `retryAfterMs` (when
   * Coupa said) has passed. Never throws.
   */
  penalise(retryAfterMs?: number): Promise<void>;
}
