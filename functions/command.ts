// EventBridge target for `Coupa Command` events: runs the action in `detail` and answers on the bus
// with `Coupa Command Succeeded` / `Coupa Command Failed` (shared/actions/command.ts). Throws only
// for retryable failures, so Lambda's async retries and then the dead-letter queue take those.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type CommandEvent, handleCommand } from '../shared/actions/command';
import { eventBridgeResultPublisher } from '../shared/adapters/aws/EventBridgeResultPublisher';
import { actionEnvironment } from './lib/env';
import { awsActionRunner } from './lib/action-deps';
import { actionMetrics, addActionMetrics, errorNameOf } from './lib/action-metrics';

const config = actionEnvironment(process.env, { needsBus: true });
const logger = new Logger({ serviceName: 'coupa-command', persistentKeys: { instance: config.instance } });
const deps = {
  runner: awsActionRunner(config, logger),
  publisher: eventBridgeResultPublisher(config.eventBusName!),
  source: config.eventSource,
  instance: config.instance,
  logger,
};

const metrics = actionMetrics(config.instance);

export const handler = middy(async function command(event: CommandEvent, context: Context) {
  const startedMs = Date.now();
  let result: Awaited<ReturnType<typeof handleCommand>>;
  try {
    result = await handleCommand(deps, event, context);
  } catch (error) {
    // Retryable: Lambda retries the event, then its dead-letter queue takes it.
    const detail = event.detail as { action?: unknown } | undefined;
    addActionMetrics(
      metrics,
      config.instance,
      typeof detail?.action === 'string' ? detail.action : 'invalid',
      Date.now() - startedMs,
      errorNameOf(error),
    );
    throw error;
  }
  const { correlationId, action, object, id, error } = result;
  addActionMetrics(metrics, config.instance, action ?? 'invalid', Date.now() - startedMs, error?.errorType);
  return { correlationId, action, object, id, status: error ? 'failed' : 'succeeded' };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
