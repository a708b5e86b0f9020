import { Metrics } from '@aws-lambda-powertools/metrics';
import { addRunMetrics, CoupaCallCounts } from '../../../functions/lib/poller-metrics';
import { measuredBudget } from '../../../functions/lib/rate-budget';
import { RateBudgetRefusal, type RateBudget } from '../../../shared/coupa/rate-budget';

describe("the poller's budget wait (BudgetWaitMs)", () => {
  it('reports every acquire, granted or refused, and passes penalties through', async () => {
    let release: () => void = () => {};
    const penalties: (number | undefined)[] = [];
    let refuse = false;
    const inner: RateBudget = {
      acquire: () => (refuse ? Promise.reject(new RateBudgetRefusal(500)) : new Promise<void>((resolve) => (release = resolve))),
      penalise: async (ms) => {
        penalties.push(ms);
      },
    };
    const calls = new CoupaCallCounts();
    const waits: number[] = [];
    const budget = measuredBudget(inner, (ms) => {
      waits.push(ms);
      calls.onBudgetWait(ms);
    });
    const granted = budget.acquire();
    expect(waits).toEqual([]); // still waiting for its turn
    release();
    await granted;
    refuse = true;
    await expect(budget.acquire({ deadlineMs: 0 })).rejects.toBeInstanceOf(RateBudgetRefusal);
    await budget.penalise(2000);
    expect(waits).toHaveLength(2);
    expect(waits.every((ms) => ms >= 0)).toBe(true);
    expect(penalties).toEqual([2000]);
    expect(calls.budgetWaitMs).toBe(waits[0]! + waits[1]!);
    calls.reset();
    expect(calls.budgetWaitMs).toBe(0);
  });

  it('is published only when the run waited', () => {
    const emitted = (budgetWaitMs: number) => {
      const metrics = new Metrics({ namespace: 'CoupaConnector' });
      const calls = new CoupaCallCounts();
      calls.onBudgetWait(budgetWaitMs);
      addRunMetrics(metrics, { calls, startedMs: 0, endedMs: 10 });
      const line = metrics.serializeMetrics() as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } } & Record<
        string,
        unknown
      >;
      return { names: line._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name), value: line.BudgetWaitMs };
    };
    expect(emitted(0).names).not.toContain('BudgetWaitMs');
    expect(emitted(1234)).toMatchObject({ value: 1234 });
    expect(emitted(1234).names).toContain('BudgetWaitMs');
  });
});
