import { MIN_SAFETY_MARGIN_MS, pollBudget } from '../../../shared/changes/poll-budget';

describe('pollBudget', () => {
  it('stops new requests a margin before the deadline and bounds requests in flight to half of it', () => {
    // 5 minutes left: a 60 s margin (20 %).
    expect(pollBudget(300_000, 1_000)).toEqual({ stopAtMs: 241_000, requestDeadlineMs: 271_000, leaseMarginMs: 70_000 });
    // 1 minute left: the 30 s floor.
    const short = pollBudget(60_000, 0);
    expect(short.stopAtMs).toBe(60_000 - MIN_SAFETY_MARGIN_MS);
    expect(short.requestDeadlineMs).toBe(45_000);
  });
});
