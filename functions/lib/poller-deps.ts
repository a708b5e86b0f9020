// The poller's adapters, built once per container from its configuration: DynamoDB checkpoints,
// EventBridge with an SQS dead-letter sink, S3 claim checks, and Coupa through the stored token.
// SDK clients use the default configuration (region, credentials, AWS_ENDPOINT_URL_*).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoCheckpointStore } from '../../shared/adapters/aws/DynamoCheckpointStore';
import { EventBridgePublisher } from '../../shared/adapters/aws/EventBridgePublisher';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/SecretsManagerSecretStore';
import { SqsDeadLetterSink } from '../../shared/adapters/aws/SqsDeadLetterSink';
import { CoupaRecordSource, type PollDeps, type PollInput, type PollLogger, type RecordPage, type RecordSource } from '../../shared/changes';
import type { PageRequest } from '../../shared/changes/plan';
import { CoupaClient } from '../../shared/coupa';
import { requestToken } from '../../shared/coupa/auth';
import { parseCredentials } from '../../shared/tokens/credentials';
import { StoredTokenProvider } from '../../shared/tokens/StoredTokenProvider';
import type { PollerConfig } from './poller-config';

/** Everything runPoll needs besides the per-run `runId` and `stopAtMs`. */
export interface Poller {
  readonly deps: PollDeps;
  readonly input: Omit<PollInput, 'runId' | 'stopAtMs'>;
}

/** What the poller logs through; Powertools' Logger fits. */
export interface PollerLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

export function awsPoller(config: PollerConfig, logger: PollerLogger): Poller {
  const log: PollLogger = {
    info: (message, attributes) => logger.info(message, ...(attributes ? [attributes] : [])),
    warn: (message, attributes) => logger.warn(message, ...(attributes ? [attributes] : [])),
  };
  const secretsClient = new SecretsManagerClient({});
  const secrets = new SecretsManagerSecretStore(secretsClient);
  const tokenProvider = new StoredTokenProvider({ secrets, requestToken, logger: log }, config.tokens);
  // The API host is the one the token is minted for: the credentials secret's `host`, else COUPA_HOST.
  const records = new DeferredRecordSource(async () => {
    const { credentialsSecretId, defaultHost } = config.tokens;
    const { host } = parseCredentials(credentialsSecretId, await secrets.getJson(credentialsSecretId), defaultHost);
    return new CoupaRecordSource(new CoupaClient({ host, tokenProvider }), {
      object: config.object,
      returnType: config.returnType,
      ...(config.fields ? { fields: config.fields } : {}),
      ...(config.filters ? { filters: config.filters } : {}),
    });
  });
  const payloads = new S3PayloadStore({ client: new S3Client({}), bucket: config.payloadBucket, ...(config.payloadPrefix ? { prefix: config.payloadPrefix } : {}) });
  const deadLetter = new SqsDeadLetterSink({ client: new SQSClient({}), queueUrl: config.deadLetterQueueUrl, payloads });
  return {
    deps: {
      records,
      checkpoints: new DynamoCheckpointStore({ client: new DynamoDBClient({}), tableName: config.checkpointTable }),
      publisher: new EventBridgePublisher({ client: new EventBridgeClient({}), eventBusName: config.eventBusName, deadLetter }),
      payloads,
      now: Date.now,
      log,
    },
    input: {
      object: config.object,
      instance: config.instance,
      source: config.source,
      lagSeconds: config.lagSeconds,
      returnType: config.returnType,
      ...(config.sinceMs === undefined ? {} : { sinceMs: config.sinceMs }),
      ...(config.inlineLimitBytes === undefined ? {} : { inlineLimitBytes: config.inlineLimitBytes }),
    },
  };
}

/**
 * A RecordSource built on first use and kept for the container's life; a failed build (e.g. the
 * credentials secret still holds placeholders) is not kept, so the next run tries again.
 */
class DeferredRecordSource implements RecordSource {
  #source: Promise<RecordSource> | undefined;

  constructor(private readonly build: () => Promise<RecordSource>) {}

  async fetchPage(request: PageRequest): Promise<RecordPage> {
    this.#source ??= this.build().catch((error: unknown) => {
      this.#source = undefined;
      throw error;
    });
    return (await this.#source).fetchPage(request);
  }
}
