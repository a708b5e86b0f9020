// One dead-letter queue with its alarm, for the pollers' refused events and for failed commands.
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { queueEncryption } from './encryption';

export interface DeadLetterQueueOptions {
  /** At most 14 days (SQS); the payload bucket keeps claim checks longer (validate-props.ts). */
  readonly retention: Duration;
  /** @default - SQS-managed keys (SSE-SQS) */
  readonly encryptionKey?: kms.IKey;
  /** What waits in the queue and what to do: the alarm's description. */
  readonly alarmDescription: string;
  /** Why the queue has no dead-letter queue of its own (cdk-nag AwsSolutions-SQS3). */
  readonly whyNoFurtherQueue: string;
}

/**
 * A dead-letter queue (SSL only, encrypted) and an alarm while any message waits in it: used for the
 * pollers' refused events and for failed commands.
 */
export function createDeadLetterQueue(
  scope: Construct,
  ids: { readonly queue: string; readonly alarm: string },
  options: DeadLetterQueueOptions,
): { queue: sqs.Queue; alarm: cloudwatch.Alarm } {
  const queue = new sqs.Queue(scope, ids.queue, {
    ...queueEncryption(options.encryptionKey),
    enforceSSL: true,
    retentionPeriod: options.retention,
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: options.whyNoFurtherQueue });
  const alarm = new cloudwatch.Alarm(scope, ids.alarm, {
    alarmDescription: options.alarmDescription,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { queue, alarm };
}
