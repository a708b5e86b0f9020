// The action side of a connector: the action function (Step Functions tasks, direct invokes), the
// command function behind a `Coupa Command` rule on the bus, the idempotency table both share, and the
// command dead-letter queue. Least privilege: each role gets exactly the calls its adapters make
// (ACTION_IAM), on exact ARNs; the only wildcard is the results' own key prefix in the payload bucket.
import { Duration, Fn, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { actionResultKeyPrefix } from '../shared/actions/limits';
import { normalizePayloadPrefix } from '../shared/changes/ports';
import { COMMAND_DETAIL_TYPE, COMMAND_FAILED, COMMAND_SUCCEEDED } from '../shared/actions/command';
import { allowEventBridgeDeliveries, grantKeyVia, KEY_ACTIONS } from './encryption';
import { createDeadLetterQueue } from './dead-letter-queue';
import { sqsFailureDestination } from './failure-destination';
import { putEventsStatement } from './put-events';
import { HandlerFunction, type FunctionLogging } from './HandlerFunction';
import type { RateBudgetAccess } from './rate-budget';
import type { TokenAccess } from './Tokens';

/** The AWS calls the action adapters make; the infra test checks the roles against them. */
export const ACTION_IAM = {
  /** Powertools DynamoDBPersistenceLayer: conditional put, consistent get, update on success, delete on failure. */
  idempotency: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /** S3PayloadStore: claim-checked results. */
  results: ['s3:PutObject'],
  /** S3FileSource: files the attach action uploads (source buckets, the payload bucket's attachments/ and results). */
  attachments: ['s3:GetObject'],
  /** Result events of commands. */
  events: ['events:PutEvents'],
} as const;

export interface ActionsProps {
  /** The Coupa instance name. */
  readonly instance: string;
  /** Where command results go, and their `Source` (`coupa.<instance>`). */
  readonly eventBus: events.IEventBus;
  readonly eventSource: string;
  /** The token environment and grant (CoupaTokens). */
  readonly tokens: TokenAccess;
  /** The instance's Coupa rate budget: environment and grant. */
  readonly rateBudget: RateBudgetAccess;
  readonly encryptionKey?: kms.IKey;
  /** How long the command dead-letter queue keeps messages. */
  readonly deadLetterRetention: Duration;
  readonly payloadBucket: s3.IBucket;
  readonly payloadPrefix: string;
  readonly idempotencyExpiry: Duration;
  readonly idempotencyTableRemovalPolicy: RemovalPolicy;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly commands: boolean;
  /** Event sources whose commands run (resolved: the connector's default applied). */
  readonly commandSources: readonly string[];
  /** Buckets the attach action may read files from, besides the payload bucket. */
  readonly attachmentSourceBuckets?: readonly s3.IBucket[];
  readonly logging?: FunctionLogging;
}

export class Actions extends Construct {
  /** Powertools idempotency records: partition key `id`, TTL attribute `expiration`, PITR. */
  readonly idempotencyTable: dynamodb.TableV2;
  readonly actionFunction: lambda.IFunction;
  readonly actionRole: iam.IRole;
  readonly commandFunction?: lambda.IFunction;
  readonly commandRole?: iam.IRole;
  readonly commandRule?: events.Rule;
  readonly commandDeadLetterQueue?: sqs.Queue;
  readonly commandDeadLetterAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ActionsProps) {
    super(scope, id);

    this.idempotencyTable = new dynamodb.TableV2(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.idempotencyTableRemovalPolicy,
      ...(props.encryptionKey ? { encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey) } : {}),
    });

    const environment = {
      ...props.tokens.environment,
      ...props.rateBudget.environment,
      INSTANCE: props.instance,
      IDEMPOTENCY_TABLE: this.idempotencyTable.tableName,
      IDEMPOTENCY_EXPIRY_SECONDS: String(props.idempotencyExpiry.toSeconds()),
      PAYLOAD_BUCKET: props.payloadBucket.bucketName,
      ...(props.payloadPrefix ? { PAYLOAD_PREFIX: props.payloadPrefix } : {}),
      ...(props.attachmentSourceBuckets?.length
        ? {
            ATTACHMENT_SOURCE_BUCKETS: Fn.join(
              ',',
              props.attachmentSourceBuckets.map((b) => b.bucketName),
            ),
          }
        : {}),
    };

    const action = new HandlerFunction(this, 'Action', {
      handlerFile: 'action.ts',
      description: `Runs Coupa actions on ${props.instance} (create, update, get, query, request, special actions) for Step Functions`,
      timeout: props.timeout,
      memorySize: props.memorySize,
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: 'coupa-action' },
      ...(props.logging ? { logging: props.logging } : {}),
    });
    this.actionFunction = action.function;
    this.actionRole = action.role;
    this.grantCommon(props, action.role);

    if (!props.commands) return;

    const { queue: dlq, alarm } = createDeadLetterQueue(
      this,
      { queue: 'CommandDeadLetterQueue', alarm: 'CommandDeadLetterAlarm' },
      {
        retention: props.deadLetterRetention,
        ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
        alarmDescription: `Coupa commands for ${props.instance} failed after their retries and wait in the command dead-letter queue; fix the cause, then redrive them (README, Operating)`,
        whyNoFurtherQueue:
          "This queue is itself the dead-letter destination of the command rule and of the command function's async invocations; " +
          'a person inspects (and redrives) failed commands after the alarm; there is no further queue to send them to.',
      },
    );
    allowEventBridgeDeliveries(props.encryptionKey); // the command rule's target dead-letter queue
    this.commandDeadLetterQueue = dlq;
    this.commandDeadLetterAlarm = alarm;

    const command = new HandlerFunction(this, 'Command', {
      handlerFile: 'command.ts',
      description: `Runs Coupa Command events from the bus on ${props.instance} and answers with Coupa Command Succeeded/Failed`,
      timeout: props.timeout,
      memorySize: props.memorySize,
      environment: {
        ...environment,
        POWERTOOLS_SERVICE_NAME: 'coupa-command',
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        EVENT_SOURCE: props.eventSource,
      },
      ...(props.logging ? { logging: props.logging } : {}),
    });
    this.commandFunction = command.function;
    this.commandRole = command.role;
    this.grantCommon(props, command.role);
    // Only its own result events: the connector's source and the two result detail types.
    command.role.addToPrincipalPolicy(putEventsStatement(props.eventBus, props.eventSource, [COMMAND_SUCCEEDED, COMMAND_FAILED]));

    // Retryable failures (throttling, Coupa 5xx): Lambda's async retries over up to an hour, then the
    // dead-letter queue (the destination grants sqs:SendMessage on this queue only, and the key through SQS).
    command.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: sqsFailureDestination(dlq),
    });
    this.commandRule = new events.Rule(this, 'CommandRule', {
      eventBus: props.eventBus,
      description: `Coupa Command events for ${props.instance}, run by the command function`,
      eventPattern: {
        detailType: [COMMAND_DETAIL_TYPE],
        // Only the listed senders, and only commands for this instance (two connectors may share a bus).
        source: [...props.commandSources],
        detail: { instance: [props.instance] },
      },
      targets: [new targets.LambdaFunction(command.function, { deadLetterQueue: dlq, retryAttempts: 4, maxEventAge: Duration.hours(1) })],
    });
  }

  private grantCommon(props: ActionsProps, role: iam.IRole): void {
    props.tokens.grantTokenAccess(role);
    props.rateBudget.grant(role);
    iam.Grant.addToPrincipal({ grantee: role, actions: [...ACTION_IAM.idempotency], resourceArns: [this.idempotencyTable.tableArn] });
    const prefix = `${normalizePayloadPrefix(props.payloadPrefix)}${actionResultKeyPrefix(props.instance)}`;
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: [...ACTION_IAM.results],
      resourceArns: [props.payloadBucket.arnForObjects(`${prefix}*`)],
    });
    grantKeyVia(this.idempotencyTable.encryptionKey, role, 'dynamodb', KEY_ACTIONS.dynamodb);
    grantKeyVia(props.payloadBucket.encryptionKey, role, 's3', KEY_ACTIONS.s3Put);

    // attach reads files: under attachments/ of the payload bucket (files staged for Coupa), the
    // instance's own results (a scan fetched by request, attached elsewhere), and the source buckets.
    const staged = `${normalizePayloadPrefix(props.payloadPrefix)}attachments/`;
    const sources = props.attachmentSourceBuckets ?? [];
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: [...ACTION_IAM.attachments],
      resourceArns: [
        props.payloadBucket.arnForObjects(`${staged}*`),
        props.payloadBucket.arnForObjects(`${prefix}*`),
        ...sources.map((b) => b.arnForObjects('*')),
      ],
    });
    grantKeyVia(props.payloadBucket.encryptionKey, role, 's3', ['kms:Decrypt']); // reading staged files and results
    for (const source of sources) source.encryptionKey?.grantDecrypt(role);

    const bucket = props.payloadBucket.node.defaultChild;
    if (bucket instanceof s3.CfnBucket) {
      const bucketId = Stack.of(this).resolve(bucket.logicalId) as string;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason:
          `Results too large to return inline are claim-checked under one new key each (${prefix}<object>/<date>/<uuid>.json), ` +
          'so PutObject needs a key prefix; the prefix holds only action results of this instance, no other action is granted. ' +
          'GetObject on it lets attach upload a file that a request fetched.',
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${staged}*]`,
        reason: `attach uploads files the caller staged under ${staged} of the payload bucket; only GetObject is granted there.`,
      });
    }
    for (const source of sources) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(this, source)}/*]`,
        reason:
          'attach reads the file named in its input from an attachment source bucket the deployer chose (attachmentSourceBuckets); only GetObject is granted.',
      });
    }
  }
}

/** A bucket ARN as cdk-nag spells it in finding ids: `<LogicalId.Arn>`, `arn:<AWS::Partition>:s3:::name`. */
function nagResource(scope: Construct, bucket: s3.IBucket): string {
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket) return `<${Stack.of(scope).resolve(cfn.logicalId) as string}.Arn>`;
  return nagText(Stack.of(scope).resolve(bucket.bucketArn));
}

function nagText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(nagText).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}
