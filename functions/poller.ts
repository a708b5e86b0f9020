// Scheduled, one function per trigger (OBJECT, optional TRIGGER): one poll run, i.e. the changes since
// the stored cursor published as events, stopping cleanly before the Lambda deadline (the next run
// continues). Invoked directly with {"resetSince": ISO} it first restarts the cursor there, under the
// lease (a resync). Returns counts and the watermark only, never record data. Environment: functions/lib/env.ts.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { parsePollInvocation, runTrigger, triggerLabel } from '../shared/changes';
import { pollBudget } from '../shared/changes/poll-budget';
import { pollerEnvironment } from './lib/env';
import { awsPoller } from './lib/poller-deps';
import { addRunMetrics, CoupaCallCounts, pollerMetrics, summarize } from './lib/poller-metrics';

const config = pollerEnvironment();
const label = triggerLabel(config.object.key, config.trigger);
const logger = new Logger({ serviceName: 'coupa-poller', persistentKeys: { instance: config.instance, object: label } });
const calls = new CoupaCallCounts();
const { deps, input, onRunStart } = awsPoller(config, logger, {
  onRetry: calls.onRetry,
  onRequest: calls.onRequest,
  onBudgetWait: calls.onBudgetWait,
});
const metrics = pollerMetrics(config.instance, label);

export const handler = middy(async function poll(event: unknown, context: Context) {
  const startedMs = Date.now();
  calls.reset();
  onRunStart();
  try {
    const invocation = parsePollInvocation(event, startedMs);
    const result = await runTrigger(deps, {
      ...input,
      ...invocation,
      runId: context.awsRequestId,
      ...pollBudget(context.getRemainingTimeInMillis(), startedMs),
    });
    const summary = summarize(label, result);
    addRunMetrics(metrics, { summary, calls, startedMs, endedMs: Date.now() });
    return summary;
  } catch (error) {
    addRunMetrics(metrics, { calls, startedMs, endedMs: Date.now() });
    throw error;
  }
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
