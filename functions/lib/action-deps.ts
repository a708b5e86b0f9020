// The action and command functions' adapters, built once per container from their configuration:
// Coupa through the stored token (host from the credentials secret), Powertools idempotency records in
// DynamoDB, S3 claim checks and attachment sources. SDK clients use the default configuration (region,
// credentials, AWS_ENDPOINT_URL_*).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FileSource } from '../../shared/actions/files';
import type { PayloadStore } from '../../shared/changes/ports';
import { ActionRunner } from '../../shared/actions/runner';
import { idempotencyKeyPrefix } from '../../shared/actions/limits';
import { PowertoolsIdempotencyStore } from '../../shared/adapters/aws/PowertoolsIdempotencyStore';
import { S3FileSource } from '../../shared/adapters/aws/S3FileSource';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import type { Logger } from '../../shared/logger';
import type { ActionEnvironment } from './env';
import { lazyS3Client, onFirstCall } from './on-first-call';
import { awsRateBudget, rateBudgetEnvironment } from './rate-budget';
import { lazyCoupaClient } from './tokens';

export function awsActionRunner(config: ActionEnvironment, logger: Logger, budget = rateBudgetEnvironment()): ActionRunner {
  // One client (one connection pool) for the idempotency records and the rate budget.
  const dynamo = new DynamoDBClient({});
  const client = lazyCoupaClient(config.tokens, logger, {
    onRetry: (event) => logger.warn('Coupa request retried', { ...event }),
    ...(budget ? { rateBudget: awsRateBudget(budget, config.instance, logger, dynamo) } : {}),
  });
  const idempotency = new PowertoolsIdempotencyStore({
    client: dynamo,
    table: config.idempotencyTable,
    expiresAfterSeconds: config.idempotencyExpirySeconds,
    keyPrefix: idempotencyKeyPrefix(config.instance),
  });
  // Claim checks and attachment files are rare: the S3 client loads on first use (on-first-call.ts).
  const bucket = config.payloadBucket;
  const payloads = bucket
    ? onFirstCall<PayloadStore>(
        async () =>
          new S3PayloadStore({ client: await lazyS3Client(), bucket, ...(config.payloadPrefix ? { prefix: config.payloadPrefix } : {}) }),
        ['put', 'putBytes'],
      )
    : undefined;
  const files = onFirstCall<FileSource>(
    async () => new S3FileSource({ client: await lazyS3Client(), buckets: config.attachmentSourceBuckets }),
    ['read'],
  );
  return new ActionRunner(
    { client, idempotency, ...(payloads ? { payloads } : {}), files, logger },
    {
      instance: config.instance,
      idempotencyExpirySeconds: config.idempotencyExpirySeconds,
      resultInlineLimitBytes: config.resultInlineLimitBytes,
    },
  );
}
