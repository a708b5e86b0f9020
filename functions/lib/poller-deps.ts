// The poller's adapters, built once per container from its configuration: DynamoDB checkpoints,
// EventBridge with an SQS dead-letter sink, S3 claim checks, and Coupa through the stored token.
// SDK clients use the default configuration (region, credentials, AWS_ENDPOINT_URL_*).
import { lazyCoupaClient, once } from './tokens';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoCheckpointStore } from '../../shared/adapters/aws/DynamoCheckpointStore';
import { EventBridgePublisher } from '../../shared/adapters/aws/EventBridgePublisher';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import { SqsDeadLetterSink } from '../../shared/adapters/aws/SqsDeadLetterSink';
import {
  CoupaFanOutSource,
  CoupaRecordSource,
  type FanOutSource,
  type PayloadStore,
  type PollInput,
  type RecordSource,
  type TriggerDeps,
} from '../../shared/changes';
import type { DeadLetterSink } from '../../shared/changes/dead-letter';
import type { CoupaClientOptions } from '../../shared/coupa';
import type { Logger } from '../../shared/logger';
import type { PollerEnvironment } from './env';
import { lazyS3Client, onFirstCall } from './on-first-call';
import { awsRateBudget, measuredBudget, rateBudgetEnvironment } from './rate-budget';

/** Everything runPoll needs besides the per-run `runId` and `stopAtMs`. */
export interface PollerWiring {
  readonly deps: TriggerDeps;
  readonly input: Omit<PollInput, 'runId' | 'stopAtMs' | 'requestDeadlineMs'>;
  /** Called as a run starts: the rate budget's read overlaps the checkpoint's. */
  readonly onRunStart: () => void;
}

export function awsPoller(
  config: PollerEnvironment,
  log: Logger,
  hooks: Pick<CoupaClientOptions, 'onRetry' | 'onRequest'> & { readonly onBudgetWait?: (ms: number) => void } = {},
  budget = rateBudgetEnvironment(),
): PollerWiring {
  const { onBudgetWait, ...clientHooks } = hooks;
  // One client (one connection pool) for the checkpoint and the rate budget.
  const dynamo = new DynamoDBClient({});
  const rateBudget = budget ? awsRateBudget(budget, config.instance, log, dynamo) : undefined;
  const client = lazyCoupaClient(config.tokens, log, {
    ...clientHooks,
    ...(rateBudget ? { rateBudget: onBudgetWait ? measuredBudget(rateBudget, onBudgetWait) : rateBudget } : {}),
  });
  const shape = {
    object: config.object,
    returnType: config.returnType,
    ...(config.fields ? { fields: config.fields } : {}),
    ...(config.filters ? { filters: config.filters } : {}),
  };
  // Objects Coupa serves only under a parent (remit-to addresses) are swept parent by parent.
  const fanOutSource = once(async () => new CoupaFanOutSource(await client(), shape));
  const fanOut: FanOutSource | undefined = config.object.parentParam
    ? {
        parent: config.object.parentParam.parent,
        listParents: async (afterId, options) => (await fanOutSource()).listParents(afterId, options),
        fetchChildren: async (parentId, window, options) => (await fanOutSource()).fetchChildren(parentId, window, options),
      }
    : undefined;
  const source = once(async () => new CoupaRecordSource(await client(), shape));
  const records: RecordSource = { fetchPage: async (request, options) => (await source()).fetchPage(request, options) };
  // Claim checks and dead letters are rare: their clients load on first use (on-first-call.ts).
  const payloads = onFirstCall<PayloadStore>(
    async () =>
      new S3PayloadStore({
        client: await lazyS3Client(),
        bucket: config.payloadBucket,
        ...(config.payloadPrefix ? { prefix: config.payloadPrefix } : {}),
      }),
    ['put', 'putBytes'],
  );
  const deadLetter = onFirstCall<DeadLetterSink>(
    async () =>
      new SqsDeadLetterSink({
        client: new (await import('@aws-sdk/client-sqs')).SQSClient({}),
        queueUrl: config.deadLetterQueueUrl,
        payloads,
      }),
    ['send'],
  );
  return {
    onRunStart: () => rateBudget?.lookAhead(),
    deps: {
      ...(fanOut ? { fanOut } : { records }),
      checkpoints: new DynamoCheckpointStore({ client: dynamo, tableName: config.checkpointTable }),
      publisher: new EventBridgePublisher({ client: new EventBridgeClient({}), eventBusName: config.eventBusName, deadLetter }),
      payloads,
      now: Date.now,
      log,
    },
    input: {
      object: config.object,
      instance: config.instance,
      ...(config.trigger ? { trigger: config.trigger } : {}),
      source: config.source,
      lagSeconds: config.lagSeconds,
      returnType: config.returnType,
      ...(config.sinceMs === undefined ? {} : { sinceMs: config.sinceMs }),
      ...(config.inlineLimitBytes === undefined ? {} : { inlineLimitBytes: config.inlineLimitBytes }),
    },
  };
}
