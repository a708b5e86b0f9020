// The instance's Coupa rate budget for pollers and actions (README "Rate budget"): a DynamoDB item per
// instance in RATE_BUDGET_TABLE, at RATE_BUDGET_RPS requests/s (CoupaConnector sets both). Without
// RATE_BUDGET_TABLE the functions send at once, as before the budget existed.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoRateBudgetStore } from '../../shared/adapters/aws/DynamoRateBudgetStore';
import { DEFAULT_REQUESTS_PER_SECOND, LeasedRateBudget } from '../../shared/budget';
import type { RateBudget } from '../../shared/coupa/rate-budget';
import type { Logger } from '../../shared/logger';

export interface RateBudgetConfig {
  readonly tableName: string;
  readonly requestsPerSecond: number;
}

/** Reads RATE_BUDGET_TABLE and RATE_BUDGET_RPS (1 to 1000, default 20); undefined without a table. */
export function rateBudgetEnvironment(env: NodeJS.ProcessEnv = process.env): RateBudgetConfig | undefined {
  const tableName = env.RATE_BUDGET_TABLE?.trim();
  if (!tableName) return undefined;
  const raw = env.RATE_BUDGET_RPS?.trim();
  const requestsPerSecond = raw ? Number(raw) : DEFAULT_REQUESTS_PER_SECOND;
  if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond >= 1 && requestsPerSecond <= 1000)) {
    throw new Error('environment variable RATE_BUDGET_RPS must be a number of requests/s from 1 to 1000');
  }
  return { tableName, requestsPerSecond };
}

/** The budget of `instance`, kept for the container's life (its turns and its view of the item carry over). */
export function awsRateBudget(
  config: RateBudgetConfig,
  instance: string,
  logger: Logger | undefined,
  client: DynamoDBClient,
): LeasedRateBudget {
  return new LeasedRateBudget({
    store: new DynamoRateBudgetStore({
      client,
      tableName: config.tableName,
      instance,
      settings: { requestsPerSecond: config.requestsPerSecond },
    }),
    // The budget fails open (this process alone keeps to the rate): say so, once per failure.
    onStoreError: (error) => logger?.warn('Rate budget store failed; pacing this process alone', { error: String(error) }),
  });
}

/** The budget, reporting how long each turn was waited for (the dashboard's BudgetWaitMs). */
export function measuredBudget(budget: RateBudget, onWait: (ms: number) => void): RateBudget {
  return {
    acquire: async (wait) => {
      const startedMs = Date.now();
      try {
        await budget.acquire(wait);
      } finally {
        onWait(Date.now() - startedMs);
      }
    },
    penalise: (retryAfterMs) => budget.penalise(retryAfterMs),
  };
}
