// The Coupa client and the instance's rate budget over real HTTP: every attempt (retries included)
// takes a turn, a 429 slows the instance down with its Retry-After, and an action waits behind the
// budget but fails with Coupa.RateLimited, sending nothing, when its turn would come after its deadline.
// Asserted by counts and error names, never by elapsed time.
import { ActionRunner } from '../../../shared/actions/runner';
import { LeasedRateBudget, MemoryRateBudgetStore } from '../../../shared/budget';
import type { RateBudget, RateBudgetWait } from '../../../shared/coupa';
import { apiCalls, useSimulator } from './harness';

const h = useSimulator();

/** A budget that grants every turn and counts what it was asked. */
function countingBudget() {
  const seen = { acquired: [] as RateBudgetWait[], penalties: [] as (number | undefined)[] };
  const budget: RateBudget = {
    acquire: async (wait = {}) => {
      seen.acquired.push(wait);
    },
    penalise: async (retryAfterMs) => {
      seen.penalties.push(retryAfterMs);
    },
  };
  return { budget, seen };
}

describe('the Coupa client with a rate budget', () => {
  it('takes one turn per API attempt, retries included, and none for token requests', async () => {
    const { budget, seen } = countingBudget();
    const client = h.client({ rateBudget: budget });
    await client.list('suppliers', { limit: 1 });
    await client.get('suppliers', 1);
    h.sim.control.injectFaults([{ kind: 'status', status: 503 }]);
    await client.list('suppliers', { limit: 1 });
    const api = apiCalls(h.sim);
    expect(api).toHaveLength(4); // 200, 200, 503, 200
    expect(seen.acquired).toHaveLength(api.length);
    expect(h.sim.control.requests.some((r) => r.path === '/oauth2/token')).toBe(true);
  });

  it("passes the call's deadline to the budget and reports a 429 with its Retry-After", async () => {
    const { budget, seen } = countingBudget();
    const client = h.client({ rateBudget: budget });
    const deadlineMs = Date.now() + 60_000;
    h.sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 1 }]);
    await client.list('suppliers', { limit: 1 }, { deadlineMs });
    expect(apiCalls(h.sim)).toEqual([
      ['GET', 429],
      ['GET', 200],
    ]);
    expect(seen.penalties).toEqual([1000]);
    expect(seen.acquired.map((w) => w.deadlineMs)).toEqual([deadlineMs, deadlineMs]);
  });

  it('a 429 holds back every client sharing the budget: a call whose deadline comes first fails as Coupa.RateLimited, unsent', async () => {
    const budget = new LeasedRateBudget({ store: new MemoryRateBudgetStore({ requestsPerSecond: 20 }), idleAfterMs: 0 });
    const first = h.client({ rateBudget: budget });
    const second = h.client({ rateBudget: budget });
    await second.list('suppliers', { limit: 1 }); // its token is fetched
    h.sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 30 }]);
    // Coupa asks for 30 s; the first call cannot wait that long (its retry stops for the deadline).
    const error = await first.list('suppliers', { limit: 1 }, { deadlineMs: Date.now() + 10_000 }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('Coupa.RateLimited');
    h.sim.control.resetRequestLog();

    const refused = await second.get('suppliers', 1, { deadlineMs: Date.now() + 10_000 }).catch((e: unknown) => e);
    expect((refused as Error).name).toBe('Coupa.RateLimited');
    expect((refused as Error).message).toMatch(/rate budget/);
    expect((refused as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(10_000);
    expect(apiCalls(h.sim)).toEqual([]); // nothing was sent
  });
});

describe('an action behind the budget', () => {
  const runnerWith = (budget: RateBudget) =>
    new ActionRunner(
      {
        client: async () => h.client({ rateBudget: budget }),
        idempotency: { once: () => Promise.reject(new Error('a read reached the idempotency store')) },
      },
      { instance: 'acme', idempotencyExpirySeconds: 3600, resultInlineLimitBytes: 200 * 1024 },
    );
  const clock = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

  it('waits for its turn when the turn comes within its deadline', async () => {
    const store = new MemoryRateBudgetStore({ requestsPerSecond: 20 });
    const budget = new LeasedRateBudget({ store, idleAfterMs: 0 });
    await budget.penalise(300); // another request got a 429 asking for 0.3 s
    const result = await runnerWith(budget).run({ action: 'get', input: { object: 'suppliers', id: 1 } }, clock(30_000));
    expect(result).toHaveProperty('record.id', 1);
    expect(apiCalls(h.sim)).toEqual([['GET', 200]]);
  });

  it('fails with Coupa.RateLimited before its deadline, having sent nothing, when the budget is blocked past it', async () => {
    const store = new MemoryRateBudgetStore({ requestsPerSecond: 20 });
    await store.penalise(60_000, Date.now()); // another process saw Retry-After: 60
    const budget = new LeasedRateBudget({ store, idleAfterMs: 0 });
    const error = await runnerWith(budget)
      .run({ action: 'get', input: { object: 'suppliers', id: 1 } }, clock(20_000))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('Coupa.RateLimited');
    expect(apiCalls(h.sim)).toEqual([]);
  });
});
