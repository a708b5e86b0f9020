// The action and command functions' adapters, built once per container from their configuration:
// Coupa through the stored token (host from the credentials secret), Powertools idempotency records in
// DynamoDB, S3 claim checks and, for commands, EventBridge for the result events. SDK clients use the
// default configuration (region, credentials, AWS_ENDPOINT_URL_*).
import { lazyCoupaClient } from './tokens';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { S3FileSource } from '../../shared/adapters/aws/S3FileSource';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import type { ResultEntry, ResultPublisher } from './action-command';
import type { ActionConfig } from './action-config';
import type { Logger } from '../../shared/logger';
import { ActionRunner } from './action-runner';

/** Powertools' attribute names, spelled out: the table's TTL attribute (infra/Actions.ts) must match. */
export const IDEMPOTENCY_ATTRIBUTES = {
  keyAttr: 'id',
  expiryAttr: 'expiration',
  inProgressExpiryAttr: 'in_progress_expiration',
  statusAttr: 'status',
  dataAttr: 'data',
  validationKeyAttr: 'validation',
} as const;

export function awsActionRunner(config: ActionConfig, logger: Logger): ActionRunner {
  const client = lazyCoupaClient(config.tokens, logger, { onRetry: (event) => logger.warn('Coupa request retried', { ...event }) });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: config.idempotencyTable,
    awsSdkV3Client: new DynamoDBClient({}),
    ...IDEMPOTENCY_ATTRIBUTES,
  });
  const s3 = new S3Client({});
  const payloads = config.payloadBucket
    ? new S3PayloadStore({ client: s3, bucket: config.payloadBucket, ...(config.payloadPrefix ? { prefix: config.payloadPrefix } : {}) })
    : undefined;
  const files = new S3FileSource({ client: s3, buckets: config.attachmentSourceBuckets });
  return new ActionRunner(
    { client, persistenceStore, ...(payloads ? { payloads } : {}), files, logger },
    {
      instance: config.instance,
      idempotencyExpirySeconds: config.idempotencyExpirySeconds,
      resultInlineLimitBytes: config.resultInlineLimitBytes,
    },
  );
}

/** Result events through PutEvents; an entry the bus did not take fails the invocation (it is retried). */
export function eventBridgeResultPublisher(eventBusName: string, client = new EventBridgeClient({})): ResultPublisher {
  return {
    async publish(entry: ResultEntry): Promise<void> {
      const out = await client.send(new PutEventsCommand({ Entries: [{ ...entry, EventBusName: eventBusName }] }));
      const failed = out.Entries?.[0];
      if ((out.FailedEntryCount ?? 0) > 0 || failed?.ErrorCode) {
        throw new ResultNotPublishedError(
          `EventBridge did not take the ${entry.DetailType} event: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim(),
        );
      }
    },
  };
}

export class ResultNotPublishedError extends Error {
  override readonly name = 'ResultNotPublished';
}
