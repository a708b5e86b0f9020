// The action and command functions' adapters, built once per container from their configuration:
// Coupa through the stored token (host from the credentials secret), Powertools idempotency records in
// DynamoDB, S3 claim checks and attachment sources. SDK clients use the default configuration (region,
// credentials, AWS_ENDPOINT_URL_*).
import { S3Client } from '@aws-sdk/client-s3';
import { ActionRunner } from '../../shared/actions/runner';
import { idempotencyKeyPrefix } from '../../shared/actions/limits';
import { PowertoolsIdempotencyStore } from '../../shared/adapters/aws/PowertoolsIdempotencyStore';
import { S3FileSource } from '../../shared/adapters/aws/S3FileSource';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import type { Logger } from '../../shared/logger';
import type { ActionEnvironment } from './env';
import { awsRateBudget, rateBudgetEnvironment } from './rate-budget';
import { lazyCoupaClient } from './tokens';

export function awsActionRunner(config: ActionEnvironment, logger: Logger, budget = rateBudgetEnvironment()): ActionRunner {
  const client = lazyCoupaClient(config.tokens, logger, {
    onRetry: (event) => logger.warn('Coupa request retried', { ...event }),
    ...(budget ? { rateBudget: awsRateBudget(budget, config.instance, logger) } : {}),
  });
  const idempotency = new PowertoolsIdempotencyStore({
    table: config.idempotencyTable,
    expiresAfterSeconds: config.idempotencyExpirySeconds,
    keyPrefix: idempotencyKeyPrefix(config.instance),
  });
  const s3 = new S3Client({});
  const payloads = config.payloadBucket
    ? new S3PayloadStore({ client: s3, bucket: config.payloadBucket, ...(config.payloadPrefix ? { prefix: config.payloadPrefix } : {}) })
    : undefined;
  const files = new S3FileSource({ client: s3, buckets: config.attachmentSourceBuckets });
  return new ActionRunner(
    { client, idempotency, ...(payloads ? { payloads } : {}), files, logger },
    {
      instance: config.instance,
      idempotencyExpirySeconds: config.idempotencyExpirySeconds,
      resultInlineLimitBytes: config.resultInlineLimitBytes,
    },
  );
}
