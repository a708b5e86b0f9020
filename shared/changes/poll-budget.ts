// How long one poller invocation may keep asking Coupa. A run stops making requests a safety margin
// before Lambda's deadline (max(30 s, 20% of the time it was given)), saves its cursor and returns; the
// next scheduled run continues. The lease lasts until just past the deadline, so no other run can take
// over while this one may still be finishing a request; and a request in flight at the stop (with its
// retries) is itself bounded, ending half-way through the margin.

/** The least time kept back for the last page, the publish and the checkpoint write. */
export const MIN_SAFETY_MARGIN_MS = 30_000;
/** Share of the invocation's time kept back. */
export const SAFETY_MARGIN_SHARE = 0.2;
/** Lease beyond the Lambda deadline, for clock differences between Lambda and DynamoDB. */
export const LEASE_SLACK_MS = 10_000;

export interface PollBudget {
  /** No new Coupa request after this instant (epoch ms). */
  readonly stopAtMs: number;
  /**
   * Requests already in flight (with their retries) end by this instant: half the margin past
   * `stopAtMs`, leaving the other half for the last publish and the checkpoint write.
   */
  readonly requestDeadlineMs: number;
  /** Lease length beyond `stopAtMs`. */
  readonly leaseMarginMs: number;
}

/** The budget of an invocation with `remainingMs` left (context.getRemainingTimeInMillis()) at `nowMs`. */
export function pollBudget(remainingMs: number, nowMs: number): PollBudget {
  const remaining = Math.max(0, remainingMs);
  const marginMs = Math.max(MIN_SAFETY_MARGIN_MS, Math.ceil(remaining * SAFETY_MARGIN_SHARE));
  const stopAtMs = nowMs + remaining - marginMs;
  return { stopAtMs, requestDeadlineMs: stopAtMs + Math.floor(marginMs / 2), leaseMarginMs: marginMs + LEASE_SLACK_MS };
}
