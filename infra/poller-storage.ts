// The resources every poller of a connector shares: the checkpoint table, the claim-check bucket and
// the dead-letter queue with its alarm. Secure defaults; every cdk-nag acknowledgement says why.
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Cursors and leases, one item per poller (`pk` = `<instance>:<object>`; DynamoCheckpointStore). */
export function createCheckpointTable(scope: Construct, removalPolicy: RemovalPolicy): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, 'CheckpointTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy,
  });
}

export interface PayloadBucketOptions {
  readonly retention: Duration;
  readonly removalPolicy: RemovalPolicy;
  readonly accessLogsBucket?: s3.IBucket;
}

/** Claim checks: private, encrypted, TLS only, expiring. */
export function createPayloadBucket(scope: Construct, options: PayloadBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'PayloadBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: false,
    lifecycleRules: [
      { id: 'expire-payloads', expiration: options.retention, abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
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

/** Entries the bus refused for good (SqsDeadLetterSink): kept 14 days, with an alarm while any is waiting. */
export function createDeadLetterQueue(scope: Construct, instance: string): { queue: sqs.Queue; alarm: cloudwatch.Alarm } {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself the dead-letter destination: the pollers send the events EventBridge refused to it directly ' +
      '(SqsDeadLetterSink), and a person inspects them after the alarm; there is no further queue to redrive to.',
  });
  const alarm = new cloudwatch.Alarm(scope, 'DeadLetterAlarm', {
    alarmDescription: `Coupa events of ${instance} that EventBridge refused are waiting in the dead-letter queue; inspect and republish them`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { queue, alarm };
}
