// DynamoRateBudgetStore against DynamoDB on moto: two processes sharing one instance's item never get
// more turns than the rate allows over a window, a 429 halves the rate for both and it grows back, and
// Retry-After holds every process back. Clocks are virtual: counts, not timings, are asserted.
import { LeasedRateBudget } from '../../shared/budget';
import { currentRate, planReservation, type Turns } from '../../shared/budget/bucket';
import { DynamoRateBudgetStore } from '../../shared/adapters/aws/DynamoRateBudgetStore';
import { RateBudgetRefusal } from '../../shared/coupa';
import { dynamoDbClient, uniqueName } from '../support/moto/clients';
import { createTable } from '../support/moto/resources';

const client = dynamoDbClient();
const T0 = Date.UTC(2026, 10, 30, 9);
let tableName: string;

beforeAll(async () => {
  tableName = await createTable('rate-budget', 'pk');
});

/** Two processes' stores on one instance's item. */
function twoStores(requestsPerSecond = 20) {
  const instance = uniqueName('acme');
  const make = () => new DynamoRateBudgetStore({ client, tableName, instance, settings: { requestsPerSecond } });
  return [make(), make(), make] as const;
}

/** The most turns usable in any window of `windowMs`. */
function busiestWindow(turns: Turns, windowMs: number): number {
  const sorted = [...turns].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('DynamoRateBudgetStore (moto)', () => {
  it('shares the rate between two processes reserving at once: no window gets more than rate + burst, and both get a fair part', async () => {
    const [a, b] = twoStores(20);
    const granted: { a: number[]; b: number[] } = { a: [], b: [] };
    // 10 virtual seconds, both asking for 5 turns every 50 ms: far more than the budget gives. Which
    // one DynamoDB serves first alternates, as it would between independent processes.
    for (let now = T0, step = 0; now < T0 + 10_000; now += 50, step++) {
      const [ra, rb] =
        step % 2 === 0
          ? await Promise.all([a.reserve(5, now), b.reserve(5, now)])
          : await Promise.all([b.reserve(5, now), a.reserve(5, now)]).then(([y, x]) => [x, y] as const);
      if (ra.kind === 'granted') granted.a.push(...ra.turns);
      if (rb.kind === 'granted') granted.b.push(...rb.turns);
    }
    const all = [...granted.a, ...granted.b];
    const burst = a.settings.burstMs / (1000 / 20); // 10 turns
    expect(busiestWindow(all, 1000)).toBeLessThanOrEqual(20 + burst + 1);
    expect(busiestWindow(all, 5000)).toBeLessThanOrEqual(100 + burst + 1);
    const within = all.filter((t) => t < T0 + 10_000).length;
    expect(within).toBeGreaterThanOrEqual(0.9 * 200); // the whole budget is used…
    expect(within).toBeLessThanOrEqual(200 + burst + 1); // …and no more
    expect(Math.min(granted.a.length, granted.b.length)).toBeGreaterThanOrEqual(0.3 * all.length); // and shared
  });

  it('halves the rate for every process on a 429 (once per burst of 429s) and grows it back', async () => {
    const [a, b] = twoStores(20);
    await a.reserve(5, T0); // b's view of the item is now stale
    await a.penalise(undefined, T0 + 100);
    await a.penalise(undefined, T0 + 150); // a second 429 of the same burst: no second halving
    const state = await a.peek();
    expect(currentRate(state, a.settings, T0 + 100)).toBe(10);
    expect(currentRate(state, a.settings, T0 + 100 + a.settings.recoveryMs / 4)).toBe(15);
    expect(currentRate(state, a.settings, T0 + 100 + a.settings.recoveryMs)).toBe(20);

    // b still plans at 20/s; the stale epoch is refused, b re-plans at 10/s: slots 100 ms apart.
    const later = T0 + 5_000;
    const outcome = await b.reserve(3, later);
    expect(outcome.kind).toBe('granted');
    const gaps = outcome.kind === 'granted' ? outcome.turns.slice(1).map((t, i) => t - outcome.turns[i]!) : [];
    const slowed = 1000 / currentRate(await b.peek(), b.settings, later);
    expect(slowed).toBeGreaterThan(50);
    for (const gap of gaps) expect(gap).toBeCloseTo(slowed, 3);
    await a.penalise(undefined, T0 + 5_000); // past the cooldown: halves again
    expect(currentRate(await b.peek(), b.settings, T0 + 5_000)).toBeCloseTo(currentRate(state, a.settings, T0 + 5_000) / 2, 6);
  });

  it("holds every process back until another's Retry-After has passed, and refuses an action whose deadline comes first", async () => {
    const [a, b, another] = twoStores(20);
    await a.penalise(5_000, T0);
    const outcome = await b.reserve(2, T0 + 10);
    expect(outcome.kind).toBe('granted');
    if (outcome.kind === 'granted') for (const turn of outcome.turns) expect(turn).toBeGreaterThanOrEqual(T0 + 5_000);

    let now = T0 + 20;
    const budget = new LeasedRateBudget({
      store: another(),
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
      idleAfterMs: 0,
    });
    await expect(budget.acquire({ deadlineMs: T0 + 3_000 })).rejects.toBeInstanceOf(RateBudgetRefusal);
    expect(now).toBe(T0 + 20); // refused at once, not after waiting
    await budget.acquire({ deadlineMs: T0 + 30_000 }); // waits out the block
    expect(now).toBeGreaterThanOrEqual(T0 + 5_000);
    expect(planReservation(await b.peek(), b.settings, 1, now).floorMs).toBe(now);
  });
});
