// SDK v3 clients pointed at the shared moto server, plus unique names: moto's state is shared by
// every test file in the run and is never reset, so each test creates its own resources.
import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export const MOTO_REGION = 'us-east-1';
export const MOTO_ACCOUNT = '123456789012';

/** The moto endpoint from globalSetup; throws (failing the test, never skipping) when moto is unavailable. */
export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (endpoint) return endpoint;
  throw new Error(
    `moto is not available for this test: ${process.env.MOTO_UNAVAILABLE ?? 'MOTO_ENDPOINT is not set (is test/support/moto/global-setup.ts in jest.config.js?)'}`,
  );
}

/** Config shared by every client: moto endpoint, us-east-1, dummy credentials. */
export function motoClientConfig() {
  return {
    endpoint: motoEndpoint(),
    region: MOTO_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

export const secretsManagerClient = () => new SecretsManagerClient(motoClientConfig());
export const dynamoDbClient = () => new DynamoDBClient(motoClientConfig());
export const eventBridgeClient = () => new EventBridgeClient(motoClientConfig());
// Path-style: moto on 127.0.0.1 has no virtual-host buckets.
export const s3Client = () => new S3Client({ ...motoClientConfig(), forcePathStyle: true });
export const sqsClient = () => new SQSClient(motoClientConfig());

/** A name no other test (or earlier run against the same moto) uses: `<prefix>-<8 hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** What a handler needs in its environment to reach moto through the SDK's default configuration. */
export function motoLambdaEnvironment(): Record<string, string> {
  return { AWS_ENDPOINT_URL: motoEndpoint(), AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: MOTO_REGION };
}
