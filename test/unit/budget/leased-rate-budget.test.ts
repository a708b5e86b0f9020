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

  it('reads the store ahead of an idle run’s first request (lookAhead), once, and not when the read would be stale', async () => {
    const { clock, store, budget } = virtualBudget();
    const peeksAt: number[] = [];
    const peek = store.peek.bind(store);
    store.peek = () => {
      peeksAt.push(clock.now);
      return peek();
    };
    const runStart = clock.now;
    budget.lookAhead(); // the read starts now, while the poller reads its checkpoint
    clock.now += 20;
    await budget.acquire();
    expect(peeksAt).toEqual([runStart]); // the request used the read already made
    expect(budget.stats.spare).toBe(1);

    budget.lookAhead(); // right after a request: not idle, nothing to read
    expect(peeksAt).toHaveLength(1);

    clock.now += 60_000;
    budget.lookAhead();
    clock.now += 5_000; // too old by the time the request comes: it reads again
    await budget.acquire();
    expect(peeksAt).toEqual([runStart, clock.now - 5_000, clock.now]);
    expect(budget.stats.spare).toBe(2);
    expect(store.writes).toBe(0);
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
