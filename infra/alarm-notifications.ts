// Every alarm of a connector tells someone: one SNS topic (created, or the customer's own), and an
// Aspect that gives each cloudwatch.Alarm under the connector the topic as alarm and OK action, so an
// alarm added later cannot be forgotten (the infra test also checks every alarm in the template).
import { Aws, type IAspect, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct, IConstruct } from 'constructs';
import { allowServiceToUseKey } from './encryption';

export interface AlarmTopicOptions {
  readonly instance: string;
  readonly existingTopic?: sns.ITopic;
  readonly email?: string;
  readonly encryptionKey?: kms.IKey;
}

/** The connector's alarm topic: the existing one, or a new TLS-only topic CloudWatch may publish to. */
export function createAlarmTopic(scope: Construct, options: AlarmTopicOptions): sns.ITopic {
  const topic = options.existingTopic ?? newTopic(scope, options);
  if (options.email) topic.addSubscription(new subscriptions.EmailSubscription(options.email));
  return topic;
}

function newTopic(scope: Construct, options: AlarmTopicOptions): sns.Topic {
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: `Coupa connector ${options.instance} alarms`,
    enforceSSL: true,
    ...(options.encryptionKey ? { masterKey: options.encryptionKey } : {}),
  });
  // A topic policy replaces the default one, so CloudWatch is named: only this account's alarms.
  const fromOwnAlarms = {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
  };
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromOwnAlarms,
    }),
  );
  if (options.encryptionKey) {
    // CloudWatch cannot publish to an encrypted topic unless the key lets it (SNS developer guide,
    // "compatibility between event sources from AWS services and encrypted topics").
    allowServiceToUseKey(options.encryptionKey, 'cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey'], fromOwnAlarms);
  } else {
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed aws/sns key (its policy cannot name ' +
        'CloudWatch), so without encryptionKey the topic stays unencrypted; it carries only alarm names, states and ' +
        'descriptions, no Coupa data. Pass encryptionKey to encrypt it.',
    });
  }
  return topic;
}

/** Gives every cloudwatch.Alarm under the node it is applied to the topic as alarm and OK action. */
export class AlarmNotifications implements IAspect {
  private readonly action: SnsAction;
  private readonly done = new WeakSet<cloudwatch.Alarm>();

  constructor(topic: sns.ITopic) {
    this.action = new SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.Alarm) || this.done.has(node)) return;
    this.done.add(node);
    node.addAlarmAction(this.action);
    node.addOkAction(this.action);
  }
}
