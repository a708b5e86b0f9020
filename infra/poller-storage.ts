// The resources every poller of a connector shares: the checkpoint table, the claim-check bucket and
// the dead-letter queue with its alarm (infra/dead-letter-queue.ts). Secure defaults; every cdk-nag acknowledgement says why.
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** Cursors and leases, one item per poller (`pk` = `<instance>:<object>`; DynamoCheckpointStore). */
export function createCheckpointTable(scope: Construct, removalPolicy: RemovalPolicy, encryptionKey?: kms.IKey): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, 'CheckpointTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    ...(encryptionKey ? { encryption: dynamodb.TableEncryptionV2.customerManagedKey(encryptionKey) } : {}),
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy,
  });
}

export interface PayloadBucketOptions {
  readonly retention: Duration;
  readonly removalPolicy: RemovalPolicy;
  readonly accessLogsBucket?: s3.IBucket;
  /** @default - S3-managed keys (SSE-S3) */
  readonly encryptionKey?: kms.IKey;
}

/** Claim checks: private, encrypted, TLS only, expiring. */
export function createPayloadBucket(scope: Construct, options: PayloadBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'PayloadBucket', {
    ...(options.encryptionKey
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: options.encryptionKey, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: false,
    lifecycleRules: [{ id: 'expire-payloads', expiration: options.retention, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: options.removalPolicy,
    ...(options.accessLogsBucket ? { serverAccessLogsBucket: options.accessLogsBucket, serverAccessLogsPrefix: 'coupa-payloads/' } : {}),
  });
  if (!options.accessLogsBucket) {
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Write-once claim-check copies of event payloads that expire after the retention period; only the pollers ' +
        'write (s3:PutObject on their own prefixes) and readers are granted by the customer. A log bucket created here ' +
        'would itself be an unlogged bucket: pass payloadAccessLogsBucket (a central log bucket) or use CloudTrail data events.',
    });
  }
  return bucket;
}
