// Step Functions task (or any direct invoke): one Coupa action. Event `{action, ...input}` or
// `{action, input}` (actionRequestOf, shared/actions/parse.ts); returns the action's result, or its summary and a
// claim check when over RESULT_INLINE_LIMIT_BYTES. Failures are thrown with the names Step Functions
// matches (`Coupa.Validation`, `Coupa.RateLimited`, `Coupa.Transient`, …); writes with an
// idempotencyKey run once (shared/actions/runner.ts). Environment: functions/lib/env.ts.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { actionEnvironment } from './lib/env';
import { awsActionRunner } from './lib/action-deps';
import { actionMetrics, addActionMetrics, errorNameOf } from './lib/action-metrics';
import { actionRequestOf } from '../shared/actions/parse';

const config = actionEnvironment();
const logger = new Logger({ serviceName: 'coupa-action', persistentKeys: { instance: config.instance } });
const runner = awsActionRunner(config, logger);
const metrics = actionMetrics(config.instance);

export const handler = middy(async function action(event: unknown, context: Context) {
  const startedMs = Date.now();
  let name = 'invalid'; // until the request parses
  try {
    const request = actionRequestOf(event);
    name = request.action;
    logger.appendKeys({ action: request.action, object: request.input.object });
    const output = await runner.run(request, context);
    addActionMetrics(metrics, config.instance, name, Date.now() - startedMs);
    return output;
  } catch (error) {
    addActionMetrics(metrics, config.instance, name, Date.now() - startedMs, errorNameOf(error));
    throw error;
  }
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
