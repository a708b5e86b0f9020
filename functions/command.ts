// EventBridge target for `Coupa Command` events: runs the action in `detail` and answers on the bus
// with `Coupa Command Succeeded` / `Coupa Command Failed` (functions/lib/action-command.ts). Throws only
// for retryable failures, so Lambda's async retries and then the dead-letter queue take those.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { handleCommand, type CommandEvent } from './lib/action-command';
import { actionConfigFromEnv } from './lib/action-config';
import { awsActionRunner, eventBridgeResultPublisher } from './lib/action-deps';

const config = actionConfigFromEnv(process.env, { needsBus: true });
const logger = new Logger({ serviceName: 'coupa-command', persistentKeys: { instance: config.instance } });
const deps = {
  runner: awsActionRunner(config, logger),
  publisher: eventBridgeResultPublisher(config.eventBusName!),
  source: config.eventSource,
  instance: config.instance,
  logger,
};

export const handler = middy(async function command(event: CommandEvent, context: Context) {
  const { correlationId, action, object, id, error } = await handleCommand(deps, event, context);
  return { correlationId, action, object, id, status: error ? 'failed' : 'succeeded' };
}).use(injectLambdaContext(logger, { resetKeys: true }));
