// Scheduled, one function per Coupa object (OBJECT): one poll run, i.e. the changes since the stored
// cursor published as events, stopping cleanly before the Lambda deadline (the next run continues).
// Returns counts and the watermark only, never record data. Environment: functions/lib/env.ts.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { runPoll } from '../shared/changes';
import { pollBudget } from '../shared/changes/poll-budget';
import { pollerEnvironment } from './lib/env';
import { awsPoller } from './lib/poller-deps';
import { emitMetrics, metricsLine, summarize } from './lib/poller-metrics';

const config = pollerEnvironment();
const logger = new Logger({ serviceName: 'coupa-poller', persistentKeys: { instance: config.instance, object: config.object.key } });
const { deps, input } = awsPoller(config, logger);

export const handler = middy(async function poll(_event: unknown, context: Context) {
  const startedMs = Date.now();
  const result = await runPoll(deps, {
    ...input,
    runId: context.awsRequestId,
    ...pollBudget(context.getRemainingTimeInMillis(), startedMs),
  });
  const summary = summarize(config.object.key, result);
  emitMetrics(metricsLine(config.instance, summary, startedMs, Date.now()));
  return summary;
}).use(injectLambdaContext(logger));
