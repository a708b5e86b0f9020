// Notified, kept, redrivable (infra side): every alarm notifies the alarm topic, claim checks outlive
// the dead-letter queues, and the optional customer-managed key reaches every resource and role.
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { config } from '../../infra/config';
import { CoupaConnector, type CoupaConnectorProps } from '../../infra/CoupaConnector';
import { ExampleStack } from '../../infra/ExampleStack';
import { UpdateSuppliersStateMachine } from '../../infra/examples/UpdateSuppliersStateMachine';

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const ENV = { account: '123456789012', region: 'eu-west-1' };

type Cfn = { Type: string; Properties: Record<string, any> };
type Statement = {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
};
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function build(
  props: Partial<CoupaConnectorProps> = {},
  withKey = false,
): { template: Template; connector: CoupaConnector; keyId?: string } {
  const stack = new Stack(noBundling(), 'S', { env: ENV });
  const key = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  const connector = new CoupaConnector(stack, 'C', {
    instance: 'acme',
    pollers: [{ object: 'invoices' }, { object: 'suppliers' }],
    ...(key ? { encryptionKey: key } : {}),
    ...props,
  });
  const template = Template.fromStack(stack);
  const keyId = key ? Object.keys(template.findResources('AWS::KMS::Key'))[0] : undefined;
  return { template, connector, ...(keyId ? { keyId } : {}) };
}

const alarms = (template: Template) => Object.entries(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Cfn>);

describe('alarm notifications', () => {
  test('every alarm of the example stack (token, pollers, both dead-letter queues) notifies the topic on ALARM and OK', () => {
    const stack = new ExampleStack(noBundling(), 'Example', { connector: config });
    const template = Template.fromStack(stack);
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    // 1 token refresh + 1 per poller + 2 dead-letter queues.
    expect(alarms(template)).toHaveLength(1 + config.objects.length + 2);
    for (const [id, alarm] of alarms(template)) {
      expect({ id, actions: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({
        id,
        actions: [{ Ref: topicId }],
        ok: [{ Ref: topicId }],
      });
    }
    template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });

  test('an alarm added to the connector later is notified too (the Aspect), exactly once', () => {
    const stack = new Stack(noBundling(), 'S');
    const connector = new CoupaConnector(stack, 'C', { instance: 'acme' });
    const extra = new cloudwatch.Alarm(connector, 'MyAlarm', {
      metric: connector.deadLetterQueue.metricNumberOfMessagesSent(),
      threshold: 1,
      evaluationPeriods: 1,
    });
    const template = Template.fromStack(stack);
    const id = stack.resolve((extra.node.defaultChild as cloudwatch.CfnAlarm).logicalId) as string;
    expect(template.findResources('AWS::CloudWatch::Alarm')[id].Properties.AlarmActions).toEqual([
      stack.resolve(connector.alarmTopic.topicArn),
    ]);
  });

  test('the created topic: TLS only, CloudWatch of this account may publish, unencrypted without a key', () => {
    const { template } = build();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.absent() });
    const statements = (Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0] as Cfn).Properties.PolicyDocument
      .Statement as Statement[];
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': expect.anything() } }),
        }),
      ]),
    );
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('alarmEmail subscribes the address', () => {
    const { template } = build({ alarmEmail: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('AlarmTopic') },
    });
  });

  test('an existing topic is used as it is: no topic created, every alarm notifies it, the email subscribes to it', () => {
    const stack = new Stack(noBundling(), 'S');
    const topic = sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:us-east-1:123456789012:ops-alarms');
    const connector = new CoupaConnector(stack, 'C', {
      instance: 'acme',
      alarmTopic: topic,
      alarmEmail: 'ops@example.com',
      pollers: [{ object: 'invoices' }],
    });
    const template = Template.fromStack(stack);
    expect(connector.alarmTopic).toBe(topic);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(alarms(template).length).toBeGreaterThanOrEqual(4);
    for (const [, alarm] of alarms(template)) expect(alarm.Properties.AlarmActions).toEqual([topic.topicArn]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', TopicArn: topic.topicArn });
  });

  test('rejects an alarmEmail that is not an address', () => {
    expect(() => build({ alarmEmail: 'ops at example' })).toThrow(/alarmEmail must be an email address \(got "ops at example"\)/);
  });
});

describe('claim-check retention', () => {
  test('defaults: both dead-letter queues keep 14 days, claim checks 30 days (more than 14 + 7)', () => {
    const { template } = build();
    const queues = Object.values(template.findResources('AWS::SQS::Queue') as Record<string, Cfn>);
    expect(queues.map((q) => q.Properties.MessageRetentionPeriod)).toEqual([14 * 86_400, 14 * 86_400]);
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] } });
  });

  test('deadLetterRetention sets both queues; payloadRetention of exactly deadLetterRetention + 7 days is accepted', () => {
    const { template } = build({ deadLetterRetention: Duration.days(2), payloadRetention: Duration.days(9) });
    const queues = Object.values(template.findResources('AWS::SQS::Queue') as Record<string, Cfn>);
    expect(queues.map((q) => q.Properties.MessageRetentionPeriod)).toEqual([2 * 86_400, 2 * 86_400]);
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 9 })] } });
  });

  test.each<[string, Partial<CoupaConnectorProps>, RegExp]>([
    [
      'claim checks kept shorter than the default queues plus the margin',
      { payloadRetention: Duration.days(20) },
      /payloadRetention \(20 days\) must be at least deadLetterRetention \(14 days\) plus 7 days, i\.e\. 21 days/,
    ],
    [
      'claim checks kept exactly as long as the queues',
      { payloadRetention: Duration.days(3), deadLetterRetention: Duration.days(3) },
      /payloadRetention \(3 days\) must be at least deadLetterRetention \(3 days\) plus 7 days, i\.e\. 10 days/,
    ],
    [
      "a queue retention over SQS's 14 days",
      { deadLetterRetention: Duration.days(15), payloadRetention: Duration.days(60) },
      /deadLetterRetention must be whole seconds from 1 minute to 14 days/,
    ],
    [
      'a queue retention under a minute',
      { deadLetterRetention: Duration.seconds(30) },
      /deadLetterRetention must be whole seconds from 1 minute to 14 days/,
    ],
  ])('rejects %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('customer-managed key (encryptionKey)', () => {
  let template: Template;
  let keyId: string;
  const keyArn = () => ({ 'Fn::GetAtt': [keyId, 'Arn'] });
  beforeAll(() => {
    ({ template, keyId } = build({ alarmEmail: 'ops@example.com' }, true) as { template: Template; keyId: string });
  });

  test('encrypts both secrets, the four tables (checkpoints, idempotency, token lease, rate budget), the payload bucket, both queues and the alarm topic', () => {
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret') as Record<string, Cfn>);
    expect(secrets.map((s) => s.Properties.KmsKeyId)).toEqual([keyArn(), keyArn()]);
    const tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable') as Record<string, Cfn>);
    expect(tables).toHaveLength(4);
    for (const t of tables) {
      expect(t.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      expect(t.Properties.Replicas[0].SSESpecification).toEqual({ KMSMasterKeyId: keyArn() });
    }
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn() } },
        ],
      },
    });
    const queues = Object.values(template.findResources('AWS::SQS::Queue') as Record<string, Cfn>);
    expect(queues.map((q) => q.Properties.KmsMasterKeyId)).toEqual([keyArn(), keyArn()]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn() });
  });

  test('roles get exact KMS actions, each through one service only; no role may use the key directly', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Cfn>).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    const onKey = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(onKey.length).toBeGreaterThan(0);
    for (const s of onKey) {
      expect(s.Resource).toEqual(keyArn());
      expect(actionsOf(s).every((a) => !a.includes('*'))).toBe(true);
      expect(Object.keys(s.Condition?.StringEquals ?? {})).toEqual(['kms:ViaService']);
    }
    const via = (service: string) =>
      onKey
        .filter((s) => s.Condition!.StringEquals!['kms:ViaService'] === `${service}.eu-west-1.amazonaws.com`)
        .map((s) => actionsOf(s).sort());
    expect(new Set(via('secretsmanager').map(String))).toEqual(new Set(['kms:Decrypt', 'kms:Decrypt,kms:GenerateDataKey']));
    expect(new Set(via('dynamodb').map(String))).toEqual(new Set(['kms:Decrypt,kms:DescribeKey,kms:Encrypt,kms:GenerateDataKey']));
    // Pollers and actions write claim checks; actions also read the files attach uploads.
    expect(new Set(via('s3').map(String))).toEqual(new Set(['kms:GenerateDataKey', 'kms:Decrypt']));
    expect(new Set(via('sqs').map(String))).toEqual(new Set(['kms:Decrypt,kms:GenerateDataKey']));
    // Both pollers and the command function send to a dead-letter queue; the action function does not.
    expect(via('sqs')).toHaveLength(3);
  });

  test('the key policy lets EventBridge deliver to the command dead-letter queue and CloudWatch publish to the topic', () => {
    const keyPolicy = (template.findResources('AWS::KMS::Key')[keyId] as Cfn).Properties.KeyPolicy.Statement as Statement[];
    expect(keyPolicy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
        expect.objectContaining({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
        }),
      ]),
    );
  });

  test('an environment-agnostic stack is refused with the reason', () => {
    const stack = new Stack(noBundling(), 'Agnostic');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => new CoupaConnector(stack, 'C', { instance: 'acme', encryptionKey: key })).toThrow(
      /encryptionKey needs a stack with an explicit region/,
    );
  });
});

describe('cdk-nag AwsSolutions (operating options)', () => {
  test('a connector with a customer-managed key, an email and the example state machine has no unacknowledged findings', () => {
    const app = noBundling();
    const stack = new Stack(app, 'Keyed', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const connector = new CoupaConnector(stack, 'C', {
      instance: 'acme',
      encryptionKey: key,
      alarmEmail: 'ops@example.com',
      pollers: [{ object: 'invoices' }],
    });
    new UpdateSuppliersStateMachine(stack, 'Example', { actionFunction: connector.actions!.actionFunction });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    expect(() => app.synth()).not.toThrow();
  });

  test('without a key the unencrypted topic is acknowledged, and only that finding (SNS2)', () => {
    const app = noBundling();
    const stack = new Stack(app, 'Plain');
    new CoupaConnector(stack, 'C', { instance: 'acme' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    expect(() => app.synth()).not.toThrow();
    const topic = stack.node.findAll().find((c) => c instanceof sns.Topic)!;
    const acknowledged = JSON.stringify(topic.node.metadata);
    expect(acknowledged).toContain('AwsSolutions-SNS2');
    expect(acknowledged).not.toContain('AwsSolutions-SNS3');
  });
});
