// One poller: the generic poller function (functions/poller.ts) configured for one Coupa object, its
// staggered schedule, least-privilege grants on the connector's shared resources, and an alarm when
// its events fall behind.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { payloadKeyPrefixes, POLL_METRICS, POLLER_V8_FLAGS } from '../shared/changes/poller-rules';
import { detailTypeOf } from '../shared/events';
import type { RateBudgetAccess } from './rate-budget';
import type { TokenAccess } from './Tokens';
import { grantKeyVia, KEY_ACTIONS } from './encryption';
import { HandlerFunction, type FunctionLogging } from './HandlerFunction';
import { putEventsStatement } from './put-events';
import { staggeredSchedule, staggerMinute } from './poller-schedule';
import type { ResolvedPoller } from './validate-pollers';

export interface PollerProps {
  /** The Coupa instance name. */
  readonly instance: string;
  /** Where the change events go, and their `Source` (`coupa.<instance>`). */
  readonly eventBus: events.IEventBus;
  readonly eventSource: string;
  /** The token environment and grant (CoupaTokens). */
  readonly tokens: TokenAccess;
  /** The instance's Coupa rate budget: environment and grant. */
  readonly rateBudget: RateBudgetAccess;
  readonly poller: ResolvedPoller;
  /** Position in CoupaConnectorProps.pollers: picks the schedule's minute offset. */
  readonly index: number;
  readonly checkpointTable: dynamodb.ITableV2;
  readonly payloadBucket: s3.IBucket;
  readonly payloadPrefix: string;
  readonly deadLetterQueue: sqs.IQueue;
  readonly reserveConcurrency: boolean;
  readonly logging?: FunctionLogging;
}

/** The actions the poller's adapters call; the infra test checks them against the adapters' imports. */
export const POLLER_ACTIONS = {
  checkpoints: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  events: ['events:PutEvents'],
  payloads: ['s3:PutObject'],
  deadLetters: ['sqs:SendMessage'],
} as const;

export class Poller extends Construct {
  /** The catalog key of the object this trigger polls. */
  readonly objectKey: string;
  /** The trigger's name, when its object has several. */
  readonly triggerName?: string;
  readonly function: lambda.IFunction;
  readonly role: iam.IRole;
  readonly schedule: events.Rule;
  /** In ALARM when this object's events trail Coupa by more than a few runs (failing or stuck poller). */
  readonly behindAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PollerProps) {
    super(scope, id);
    const { poller, index } = props;
    const objectKey = poller.object.key;
    this.objectKey = objectKey;
    if (poller.name) this.triggerName = poller.name;

    const fn = new HandlerFunction(this, 'Handler', {
      handlerFile: 'poller.ts',
      description: `Publishes changed Coupa ${poller.object.title} records of ${props.instance} as events${poller.name ? ` (trigger ${poller.name})` : ''}`,
      timeout: poller.timeout,
      memorySize: poller.memorySize,
      ...(props.reserveConcurrency ? { reservedConcurrentExecutions: 1 } : {}),
      ...(props.logging ? { logging: props.logging } : {}),
      environment: {
        ...props.tokens.environment,
        ...props.rateBudget.environment,
        NODE_OPTIONS: ['--enable-source-maps', ...POLLER_V8_FLAGS].join(' '),
        POWERTOOLS_SERVICE_NAME: 'coupa-poller',
        OBJECT: objectKey,
        ...(poller.name ? { TRIGGER: poller.name } : {}),
        INSTANCE: props.instance,
        EVENT_SOURCE: props.eventSource,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        CHECKPOINT_TABLE: props.checkpointTable.tableName,
        PAYLOAD_BUCKET: props.payloadBucket.bucketName,
        ...(props.payloadPrefix ? { PAYLOAD_PREFIX: props.payloadPrefix } : {}),
        DEAD_LETTER_QUEUE_URL: props.deadLetterQueue.queueUrl,
        LAG_SECONDS: String(poller.lagSeconds),
        RETURN_TYPE: poller.returnType,
        ...(poller.since ? { SINCE: poller.since } : {}),
        ...(poller.fieldsJson ? { FIELDS: poller.fieldsJson } : {}),
        ...(poller.filtersJson ? { FILTERS: poller.filtersJson } : {}),
        ...(poller.inlineLimitBytes === undefined ? {} : { INLINE_LIMIT_BYTES: String(poller.inlineLimitBytes) }),
      },
    });
    this.function = fn.function;
    this.role = fn.role;
    this.grant(props, fn.role);

    // No retries, neither by the rule nor by Lambda's async queue: a retry could start while the next
    // scheduled run holds the lease, and the next run continues from the cursor anyway.
    fn.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Polls Coupa ${poller.label} of ${props.instance} every ${poller.schedule.toHumanString()} at minute offset ${staggerMinute(poller.schedule, index)}`,
      schedule: staggeredSchedule(poller.schedule, index),
      targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    this.behindAlarm = this.createBehindAlarm(props.instance, poller);
  }

  private grant(props: PollerProps, role: iam.IRole): void {
    const { poller } = props;
    props.tokens.grantTokenAccess(role);
    props.rateBudget.grant(role);
    iam.Grant.addToPrincipal({ grantee: role, actions: [...POLLER_ACTIONS.checkpoints], resourceArns: [props.checkpointTable.tableArn] });
    // Only this object's change events, under the connector's source: a poller cannot send commands.
    const detailTypes = (['created', 'updated'] as const).map((change) => detailTypeOf(poller.object, change));
    role.addToPrincipalPolicy(putEventsStatement(props.eventBus, props.eventSource, detailTypes));
    iam.Grant.addToPrincipal({ grantee: role, actions: [...POLLER_ACTIONS.deadLetters], resourceArns: [props.deadLetterQueue.queueArn] });
    const prefixes = payloadKeyPrefixes(props.payloadPrefix, props.instance, poller.object.key, poller.name);
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: [...POLLER_ACTIONS.payloads],
      resourceArns: prefixes.map((p) => props.payloadBucket.arnForObjects(`${p}*`)),
    });
    // Customer-managed keys only (encryptionKey), each usable only through its own service.
    grantKeyVia(props.checkpointTable.encryptionKey, role, 'dynamodb', KEY_ACTIONS.dynamodb);
    grantKeyVia(props.payloadBucket.encryptionKey, role, 's3', KEY_ACTIONS.s3Put);
    grantKeyVia(props.deadLetterQueue.encryptionMasterKey, role, 'sqs', KEY_ACTIONS.sqsSend);

    const bucket = props.payloadBucket.node.defaultChild;
    if (bucket instanceof s3.CfnBucket) {
      const bucketId = Stack.of(this).resolve(bucket.logicalId) as string;
      for (const prefix of prefixes) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
          reason:
            `Claim-check objects get one key per record version (${prefix}<id>/<updated-at>.json) or per dead letter, ` +
            "so PutObject needs a key prefix; the prefix is this poller's own (object and instance), no other action is granted.",
        });
      }
    }
  }

  private createBehindAlarm(instance: string, poller: ResolvedPoller): cloudwatch.Alarm {
    // One datapoint per run (the run's end). Missing data (runs failing before they report, or not
    // running at all) counts as breaching. Evaluation spans at most a day, as CloudWatch requires.
    const intervalSeconds = poller.schedule.toSeconds();
    const evaluationPeriods = Math.max(1, Math.min(3, Math.floor(86_400 / intervalSeconds)));
    const thresholdSeconds = poller.lagSeconds + intervalSeconds + poller.timeout.toSeconds();
    return new cloudwatch.Alarm(this, 'BehindAlarm', {
      alarmDescription:
        `Coupa ${poller.label} events of ${instance} trail Coupa by more than ${thresholdSeconds} s ` +
        `(or the poller reported nothing) for ${evaluationPeriods} run(s): check the poller's logs and errors. ` +
        'Expected during a long backfill from an old `since`.',
      metric: new cloudwatch.Metric({
        namespace: POLL_METRICS.namespace,
        metricName: POLL_METRICS.watermarkAge,
        // The poller reports a named trigger as `<object>:<name>` (functions/poller.ts).
        dimensionsMap: { Instance: instance, Object: poller.label },
        statistic: cloudwatch.Stats.MINIMUM,
        period: poller.schedule,
      }),
      threshold: thresholdSeconds,
      evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
}
