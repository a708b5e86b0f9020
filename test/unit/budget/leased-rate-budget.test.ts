// LeasedRateBudget on the in-memory store, on a virtual clock: what an idle run and a lone backfill cost
// in store writes, and that the turns handed out keep to the rate. Counts, not timings.
import { LeasedRateBudget, MemoryRateBudgetStore } from '../../../shared/budget';

function virtualBudget(options: { idleAfterMs?: number } = {}) {
  const clock = { now: Date.UTC(2026, 10, 30, 9) };
  const store = new MemoryRateBudgetStore({ requestsPerSecond: 20 });
  const budget = new LeasedRateBudget({
    store,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
    ...options,
  });
  return { clock, store, budget };
}

describe('LeasedRateBudget', () => {
  it('sends the first request of an idle run without a reservation (no write) when the budget is rested', async () => {
    const { clock, store, budget } = virtualBudget();
    await budget.acquire();
    expect(store.writes).toBe(0);
    expect(budget.stats.spare).toBe(1);
    clock.now += 60_000; // the next scheduled run
    await budget.acquire();
    expect(store.writes).toBe(0);
    await budget.acquire(); // a second request in the same run reserves
    expect(store.writes).toBe(1);
  });

  it('does not skip the reservation when the budget is blocked by a 429', async () => {
    const { store, budget } = virtualBudget();
    await budget.penalise(2_000);
    await budget.acquire();
    expect(budget.stats.spare).toBe(0);
    expect(store.writes).toBeGreaterThanOrEqual(2); // the penalty and a reservation
  });

  it('reserves a lone backfill in chunks (about one write per 5 requests at 20/s) and keeps to the rate', async () => {
    const { clock, store, budget } = virtualBudget({ idleAfterMs: 0 });
    const start = clock.now;
    const used: number[] = [];
    // Four lanes asking at once, as the poller does.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 100; i++) {
          await budget.acquire();
          used.push(clock.now);
        }
      }),
    );
    expect(used).toHaveLength(400);
    expect(store.writes).toBeLessThanOrEqual(400 / 5 + 10);
    const seconds = (Math.max(...used) - start) / 1000;
    expect(400 / seconds).toBeLessThanOrEqual(20 * 1.1); // no faster than the budget (burst aside)…
    expect(400 / seconds).toBeGreaterThanOrEqual(20 * 0.9); // …and a lone process gets all of it
  });
});
