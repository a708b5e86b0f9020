// EventBridge target for `Coupa Command` events: runs the action in `detail` and answers on the bus
// with `Coupa Command Succeeded` / `Coupa Command Failed` (shared/actions/command.ts). Throws only
// for retryable failures, so Lambda's async retries and then the dead-letter queue take those.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type CommandEvent, handleCommand } from '../shared/actions/command';
import { eventBridgeResultPublisher } from '../shared/adapters/aws/EventBridgeResultPublisher';
import { actionEnvironment } from './lib/env';
import { awsActionRunner } from './lib/action-deps';

const config = actionEnvironment(process.env, { needsBus: true });
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
