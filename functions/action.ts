// Step Functions task (or any direct invoke): one Coupa action. Event `{action, ...input}` or
// `{action, input}` (functions/lib/action-event.ts); returns the action's result, or its summary and a
// claim check when over RESULT_INLINE_LIMIT_BYTES. Failures are thrown with the names Step Functions
// matches (`Coupa.Validation`, `Coupa.RateLimited`, `Coupa.Transient`, …); writes with an
// idempotencyKey run once (functions/lib/action-runner.ts). Environment: functions/lib/action-config.ts.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { actionConfigFromEnv } from './lib/action-config';
import { awsActionRunner } from './lib/action-deps';
import { actionRequestOf } from './lib/action-event';

const config = actionConfigFromEnv();
const logger = new Logger({ serviceName: 'coupa-action', persistentKeys: { instance: config.instance } });
const runner = awsActionRunner(config, logger);

export const handler = middy(async function action(event: unknown, context: Context) {
  const request = actionRequestOf(event);
  logger.appendKeys({ action: request.action, object: request.input.object });
  return runner.run(request, context);
}).use(injectLambdaContext(logger, { resetKeys: true }));
