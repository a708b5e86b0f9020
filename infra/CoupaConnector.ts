// The CoupaConnector construct: everything one Coupa instance needs in the customer's account:
// the event bus, the two token secrets and the scheduled token refresh; one poller per configured
// Coupa object with the resources they share (checkpoint table, claim-check bucket, dead-letter
// queue); the action function for Step Functions, the command function behind a `Coupa Command` rule
// on the bus, and their idempotency table (infra/Actions.ts).
import { Aspects, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { CoupaQuery, FieldSpec } from '../shared/coupa';
import { findObject, requiredScopes } from '../shared/catalog';
import type { EventReturnType } from '../shared/events';
import { CREDENTIALS_PLACEHOLDER, type GrantType } from '../shared/tokens/credentials';
import { TOKEN_REFRESH_TIMEOUT_SECONDS } from '../shared/tokens/refresh-timing';
import { COMMAND_DETAIL_TYPE } from '../functions/lib/action-command';
import { Actions } from './Actions';
import { AlarmNotifications, createAlarmTopic } from './alarm-notifications';
import { assertKeyUsable, grantKeyVia, KEY_ACTIONS } from './encryption';
import { UpdateSuppliersStateMachine } from './examples/UpdateSuppliersStateMachine';
import { HandlerFunction } from './HandlerFunction';
import { Poller } from './Poller';
import { SchemaRegistry, type SchemaRegistryOptions } from './SchemaRegistry';
import { createCheckpointTable, createDeadLetterQueue, createPayloadBucket } from './poller-storage';
import { validateConnectorProps } from './validate-props';
import { validatePollers } from './validate-pollers';

/** One Coupa object to turn into events (see shared/catalog for the keys; `objects` in the CLI). */
export interface PollerConfig {
  /** Catalog key, e.g. `invoices`, `purchase_orders`. Must be trigger-capable. */
  readonly object: string;
  /**
   * Time between runs: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60 minutes, or 2, 3, 4, 6, 8, 12 or 24
   * hours. Pollers are staggered by minute (see infra/poller-schedule.ts).
   * @default Duration.minutes(5)
   */
  readonly schedule?: Duration;
  /** How late a saved change may become visible to Coupa's queries (commit lag, clock skew). @default 120 */
  readonly lagSeconds?: number;
  /**
   * Where the first run starts (ISO 8601 instant with a zone): changes since then are published as a
   * backfill, spread over as many runs as it takes. Ignored once a cursor is stored.
   * @default - the first run's time: only later changes are published
   */
  readonly since?: string;
  /** @default 'default' */
  readonly returnType?: EventReturnType;
  /** Coupa `fields=[…]` to fetch (id, created-at and updated-at are always added). Not with `limited`. @default - all */
  readonly fields?: FieldSpec;
  /**
   * Extra Coupa conditions ANDed to every request, e.g. `{ status: { in: ['approved'] } }`. May not touch
   * the parameters the poller pages on (updated_at, id, order_by, dir, limit, offset, fields, return_object).
   * @default - none
   */
  readonly filters?: CoupaQuery;
  /** @default 512 */
  readonly memorySize?: number;
  /** From 1 to 15 minutes, at most `schedule`; a run stops max(30 s, 20%) before it. @default the lesser of 5 minutes and `schedule` */
  readonly timeout?: Duration;
  /** Events larger than this go to the payload bucket as a claim check. @default 204800 (200 KiB) */
  readonly inlineLimitBytes?: number;
}

export interface CoupaConnectorProps {
  /** Instance name: lowercase letters, digits, dashes. Events use the source `coupa.<instance>`. */
  readonly instance: string;
  /**
   * The instance URL, e.g. `https://acme.coupahost.com`, used when the credentials secret has no `host`.
   * @default - the credentials secret must hold `host`
   */
  readonly host?: string;
  /**
   * How the stored credentials obtain tokens. `authorization_code` lets the token-refresh function write the
   * rotated refresh token back into the credentials secret; it must match the secret's `grantType`.
   * @default 'client_credentials'
   */
  readonly grantType?: GrantType;
  /** A bus to publish to instead of creating one. Not together with `eventBusProps`. @default - a new bus */
  readonly existingEventBus?: events.IEventBus;
  /** Overrides for the new bus. Not together with `existingEventBus`. @default - CDK defaults */
  readonly eventBusProps?: events.EventBusProps;
  /**
   * A secret that already holds `{host?, grantType, clientId, clientSecret, scopes?, refreshToken?}`.
   * @default - a new secret holding placeholders; store the real values before first use
   */
  readonly existingCredentialsSecret?: secretsmanager.ISecret;
  /**
   * What happens to a created credentials secret when it leaves the stack.
   * @default RemovalPolicy.RETAIN - it holds what a person typed in (and the rotated refresh token)
   */
  readonly credentialsSecretRemovalPolicy?: RemovalPolicy;
  /** How often the scheduled refresh runs. @default Duration.hours(4) */
  readonly tokenRefreshInterval?: Duration;
  /**
   * The scheduled run mints a new token when the stored one has less than this left; must exceed
   * `tokenRefreshInterval` and stay under Coupa's 24 h token lifetime. With the defaults (4 h, 6 h)
   * a token is replaced at 18–22 h of age, as Coupa advises (~20 h).
   * @default Duration.hours(6)
   */
  readonly tokenMinValidity?: Duration;
  /** Retention of the functions' log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Coupa objects to turn into events, one poller each. @default - none */
  readonly pollers?: readonly PollerConfig[];
  /**
   * Give every poller a reserved concurrency of 1, so that even a manual invoke cannot run beside a
   * scheduled one (the checkpoint lease already prevents overlapping work). Accounts with the minimum
   * concurrency quota cannot reserve any and fail to deploy with this on.
   * @default false
   */
  readonly reservePollerConcurrency?: boolean;
  /**
   * What happens to the checkpoint table when it leaves the stack. Losing it restarts every poller at
   * its `since` (or at the next run's time: changes in between are never published).
   * @default RemovalPolicy.RETAIN
   */
  readonly checkpointTableRemovalPolicy?: RemovalPolicy;
  /**
   * How long claim-checked payloads stay in the payload bucket (whole days). At least
   * `deadLetterRetention` plus 7 days: dead letters refer to these objects.
   * @default Duration.days(30)
   */
  readonly payloadRetention?: Duration;
  /**
   * How long the dead-letter queues (refused events, failed commands) keep their messages: 1 minute
   * to 14 days (SQS's maximum). `payloadRetention` must exceed it by 7 days.
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;
  /** Key prefix for everything the pollers store in the payload bucket. @default - none */
  readonly payloadPrefix?: string;
  /** @default RemovalPolicy.RETAIN - consumers may still hold references to its objects */
  readonly payloadBucketRemovalPolicy?: RemovalPolicy;
  /**
   * A bucket for the payload bucket's S3 server access logs (e.g. the organisation's central log bucket).
   * @default - no access logs; CloudTrail data events can audit the bucket instead
   */
  readonly payloadAccessLogsBucket?: s3.IBucket;
  /**
   * Create the action function (create, update, get, query, request and special actions on Coupa, for
   * Step Functions tasks and direct invokes) and its idempotency table.
   * @default true
   */
  readonly enableActions?: boolean;
  /**
   * Run `Coupa Command` events from the bus (a rule, the command function, a dead-letter queue) and
   * answer with `Coupa Command Succeeded` / `Coupa Command Failed`. Needs `enableActions`.
   * @default true
   */
  readonly enableCommands?: boolean;
  /**
   * Event sources whose `Coupa Command` events are run, e.g. `['com.acme.erp']`. Never the connector's
   * own source (its events are changes and results). Commands must also name this connector's
   * `instance` in their detail. Grant senders `grantSendCommands`, which conditions PutEvents on these
   * sources, so a role can command only the connectors it was granted.
   * @default - [`coupa.<instance>.commands`]
   */
  readonly commandSources?: readonly string[];
  /**
   * How long a write with an idempotencyKey answers repeats of that key with its first result (from
   * 1 minute to 30 days, whole seconds).
   * @default Duration.hours(24)
   */
  readonly idempotencyExpiry?: Duration;
  /** @default RemovalPolicy.DESTROY - it only holds recent writes' results for deduplication */
  readonly idempotencyTableRemovalPolicy?: RemovalPolicy;
  /** Timeout of the action and command functions, 10 seconds to 15 minutes. @default Duration.minutes(2) */
  readonly actionTimeout?: Duration;
  /** Memory of the action and command functions (MB), 128 to 10240. @default 512 */
  readonly actionMemorySize?: number;
  /**
   * Buckets the `attach` action may read files from (`s3:GetObject` on their objects, KMS decrypt if
   * encrypted). The payload bucket's `attachments/` prefix is always readable. Needs `enableActions`.
   * @default - none: files come from the payload bucket only
   */
  readonly attachmentSourceBuckets?: readonly s3.IBucket[];
  /**
   * Objects the actions read and write: their read and write scopes go into `requiredScopes`. Only
   * the scopes: the action function itself is not limited (Coupa refuses what the token lacks).
   * @default - the poller objects (none when `enableActions` is false)
   */
  readonly actionObjects?: readonly string[];
  /**
   * Also create the example state machine of infra/examples/UpdateSuppliersStateMachine.ts (query
   * suppliers, set custom fields on each). Needs `enableActions`.
   * @default false
   */
  readonly createExampleStateMachine?: boolean;
  /**
   * The SNS topic every alarm of the connector notifies (alarm and OK). It must let CloudWatch publish
   * (and, when encrypted, let CloudWatch use its key).
   * @default - a new topic, encrypted with `encryptionKey` when given
   */
  readonly alarmTopic?: sns.ITopic;
  /** Subscribe this address to the alarm topic (SNS sends a confirmation mail first). @default - no subscription */
  readonly alarmEmail?: string;
  /**
   * A customer-managed KMS key for the secrets, tables, payload bucket, queues and the alarm topic
   * the connector creates; its roles get exact grants through each service. A key from another stack
   * or account must already allow EventBridge and CloudWatch (README, "Operating").
   * @default - AWS-managed encryption (Secrets Manager, DynamoDB, SSE-S3, SSE-SQS; the new topic unencrypted)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Register the event schemas of the pollers' objects (and the command schemas) in an EventBridge
   * Schema Registry, created or brought in by name; `false` registers nothing.
   * @default {} - a new registry
   */
  readonly schemaRegistry?: SchemaRegistryOptions | false;
}

export class CoupaConnector extends Construct {
  readonly instance: string;
  readonly host?: string;
  readonly grantType: GrantType;
  /** Where Coupa change events go. */
  readonly eventBus: events.IEventBus;
  /** Source of every event: `coupa.<instance>`. */
  readonly eventSource: string;
  /** OAuth client credentials (and the rotated refresh token for authorization-code grants). */
  readonly credentialsSecret: secretsmanager.ISecret;
  /** The cached access token `{accessToken, tokenType, expiresAt, scopes}`. */
  readonly tokenSecret: secretsmanager.ISecret;
  /**
   * The only writer of both secrets: scheduled, and invoked synchronously by pollers and actions
   * after a 401 or on expiry; one refresh at a time under the lease in `tokenLeaseTable`.
   */
  readonly tokenRefreshFunction: lambda.IFunction;
  /**
   * The token refresh lease (and a rotated refresh token the credentials secret refused, until it is
   * stored): partition key `pk` (string). Only the token-refresh function may use it.
   */
  readonly tokenLeaseTable: dynamodb.TableV2;
  readonly tokenRefreshSchedule: events.Rule;
  /** In ALARM when a token refresh failed. */
  readonly tokenRefreshAlarm: cloudwatch.Alarm;
  /** Every alarm of the connector notifies this topic, on ALARM and on OK. */
  readonly alarmTopic: sns.ITopic;
  /** The customer-managed key of `encryptionKey`, if any. */
  readonly encryptionKey?: kms.IKey;
  /** How long the dead-letter queues keep messages (`deadLetterRetention`). */
  readonly deadLetterRetention: Duration;
  /**
   * The OAuth scopes this configuration needs (shared/catalog `requiredScopes`): `core.common.read`, the
   * pollers' read scopes, the action objects' read and write scopes, and `offline_access` for
   * authorization-code grants. Tokens are requested with these when the credentials secret lists no
   * scopes (`"scopes": []`, its initial value).
   */
  readonly requiredScopes: readonly string[];
  /**
   * Environment that lets a handler build a StoredTokenProvider (functions/lib/tokens.ts): the token
   * secret to read and the token-refresh function to ask. Pair it with `grantTokenAccess`.
   */
  readonly tokenEnvironment: Readonly<Record<string, string>>;
  /** Pollers' cursors and leases: partition key `pk` (string), on demand, point-in-time recovery. */
  readonly checkpointTable: dynamodb.TableV2;
  /** Claim checks: records too large to travel inline, and oversized dead letters. */
  readonly payloadBucket: s3.Bucket;
  /** Entries the bus refused for good, with the reason (body `{reason, message, entry}`). */
  readonly deadLetterQueue: sqs.Queue;
  /** In ALARM while the dead-letter queue holds messages. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The poller function of each configured object, by catalog key. */
  readonly pollers: Readonly<Record<string, lambda.IFunction>>;
  /** The schedule rule of each poller, by catalog key. */
  readonly pollerSchedules: Readonly<Record<string, events.Rule>>;
  /** Per poller: in ALARM when its events trail Coupa by more than a few runs, by catalog key. */
  readonly pollerAlarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** Runs one Coupa action per invoke (event `{action, ...input}`); undefined when `enableActions` is false. */
  readonly actionFunction?: lambda.IFunction;
  /** Runs `Coupa Command` events from the bus; undefined when commands are disabled. */
  readonly commandFunction?: lambda.IFunction;
  /** The rule that sends `Coupa Command` events to the command function. */
  readonly commandRule?: events.Rule;
  /** Sources whose `Coupa Command` events (naming this instance) are run; empty when commands are disabled. */
  readonly commandSources: readonly string[];
  /** Commands that failed after their retries (EventBridge and Lambda async failure records). */
  readonly commandDeadLetterQueue?: sqs.Queue;
  /** In ALARM while the command dead-letter queue holds messages. */
  readonly commandDeadLetterAlarm?: cloudwatch.Alarm;
  /** Idempotency records of writes (Powertools): partition key `id`, TTL `expiration`, PITR. */
  readonly idempotencyTable?: dynamodb.TableV2;
  /** The example state machine, when `createExampleStateMachine` is set. */
  readonly exampleStateMachine?: sfn.StateMachine;
  /** The event schemas' registry, unless `schemaRegistry` is false. */
  readonly schemaRegistry?: SchemaRegistry;

  constructor(scope: Construct, id: string, props: CoupaConnectorProps) {
    super(scope, id);
    const resolved = validateConnectorProps(props);
    const pollerConfigs = validatePollers(props.pollers);
    this.instance = props.instance;
    this.host = props.host;
    this.grantType = resolved.grantType;
    this.eventSource = `coupa.${props.instance}`;
    assertKeyUsable(this, props.encryptionKey);
    this.encryptionKey = props.encryptionKey;
    this.deadLetterRetention = resolved.deadLetterRetention;
    this.alarmTopic = createAlarmTopic(this, {
      instance: props.instance,
      ...(props.alarmTopic ? { existingTopic: props.alarmTopic } : {}),
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
    });
    // Every alarm under this construct, now or added later, notifies the topic.
    Aspects.of(this).add(new AlarmNotifications(this.alarmTopic));
    this.commandSources =
      resolved.enableActions && resolved.enableCommands ? [...(props.commandSources ?? [defaultCommandSource(props.instance)])] : [];

    this.eventBus = props.existingEventBus ?? new events.EventBus(this, 'EventBus', props.eventBusProps);
    this.credentialsSecret = props.existingCredentialsSecret ?? this.createCredentialsSecret(props);
    this.tokenSecret = this.createTokenSecret();

    const pollerKeys = pollerConfigs.map((p) => p.object.key);
    if (props.actionObjects && !resolved.enableActions) throw new Error('CoupaConnector: actionObjects needs enableActions');
    const unknown = (props.actionObjects ?? []).filter((key) => !findObject(key));
    if (unknown.length > 0)
      throw new Error(`CoupaConnector: actionObjects: unknown objects ${unknown.join(', ')} (see the CLI's \`objects\`)`);
    this.requiredScopes = requiredScopes({
      read: pollerKeys,
      write: resolved.enableActions ? (props.actionObjects ?? pollerKeys) : [],
      grantType: this.grantType,
    });
    this.tokenLeaseTable = new dynamodb.TableV2(this, 'TokenLeaseTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A lease, and at most a refresh token waiting to reach the credentials secret.
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.encryptionKey ? { encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey) } : {}),
    });

    const refresh = new HandlerFunction(this, 'TokenRefresh', {
      handlerFile: 'token-refresh.ts',
      description: `Refreshes the stored Coupa access token for ${props.instance}`,
      // Covers the worst case of one refresh (shared/tokens/refresh-timing.ts), so the function is
      // never killed between minting a single-use refresh token and storing it.
      timeout: Duration.seconds(TOKEN_REFRESH_TIMEOUT_SECONDS),
      environment: {
        CREDENTIALS_SECRET_ARN: this.credentialsSecret.secretArn,
        TOKEN_SECRET_ARN: this.tokenSecret.secretArn,
        TOKEN_LEASE_TABLE: this.tokenLeaseTable.tableName,
        COUPA_GRANT_TYPE: this.grantType,
        // A default for a secret without scopes; an env var, not the secret's template, which would
        // regenerate the secret (wiping the stored client) whenever the pollers change.
        COUPA_SCOPES: this.requiredScopes.join(' '),
        ...(props.host ? { COUPA_HOST: props.host } : {}),
        POWERTOOLS_SERVICE_NAME: 'coupa-token-refresh',
        MIN_VALIDITY_SECONDS: String(resolved.tokenMinValidity.toSeconds()),
      },
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.tokenEnvironment = {
      TOKEN_SECRET_ARN: this.tokenSecret.secretArn,
      TOKEN_REFRESH_FUNCTION: refresh.function.functionName,
      ...(props.host ? { COUPA_HOST: props.host } : {}),
    };
    this.tokenRefreshFunction = refresh.function;
    this.grantTokenWrites(refresh.role);
    // Async invocations: Lambda retries twice. No DLQ: a scheduled event carries no data, the next
    // run (and every consumer's own expiry/401 path) refreshes anyway; the alarm tells a person.
    refresh.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1) });

    this.tokenRefreshSchedule = new events.Rule(this, 'TokenRefreshSchedule', {
      description: `Refreshes the Coupa access token for ${props.instance} ahead of expiry`,
      schedule: events.Schedule.rate(resolved.tokenRefreshInterval),
      targets: [new targets.LambdaFunction(refresh.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });

    this.tokenRefreshAlarm = new cloudwatch.Alarm(this, 'TokenRefreshFailed', {
      alarmDescription: `Coupa token refresh for ${props.instance} failed; check its logs and the credentials secret`,
      metric: refresh.function.metricErrors({ period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.checkpointTable = createCheckpointTable(this, props.checkpointTableRemovalPolicy ?? RemovalPolicy.RETAIN, props.encryptionKey);
    this.payloadBucket = createPayloadBucket(this, {
      retention: resolved.payloadRetention,
      removalPolicy: props.payloadBucketRemovalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.payloadAccessLogsBucket ? { accessLogsBucket: props.payloadAccessLogsBucket } : {}),
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
    });
    const dlq = createDeadLetterQueue(this, props.instance, {
      retention: resolved.deadLetterRetention,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
    });
    this.deadLetterQueue = dlq.queue;
    this.deadLetterAlarm = dlq.alarm;

    const pollers: Record<string, lambda.IFunction> = {};
    const schedules: Record<string, events.Rule> = {};
    const alarms: Record<string, cloudwatch.Alarm> = {};
    pollerConfigs.forEach((poller, index) => {
      const p = new Poller(this, `Poller-${poller.object.key}`, {
        connector: this,
        poller,
        index,
        checkpointTable: this.checkpointTable,
        payloadBucket: this.payloadBucket,
        payloadPrefix: props.payloadPrefix ?? '',
        deadLetterQueue: this.deadLetterQueue,
        reserveConcurrency: props.reservePollerConcurrency ?? false,
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      });
      pollers[poller.object.key] = p.function;
      schedules[poller.object.key] = p.schedule;
      alarms[poller.object.key] = p.behindAlarm;
    });
    this.pollers = pollers;
    this.pollerSchedules = schedules;
    this.pollerAlarms = alarms;

    if (resolved.enableActions) {
      const actions = new Actions(this, 'Actions', {
        connector: this,
        payloadBucket: this.payloadBucket,
        payloadPrefix: props.payloadPrefix ?? '',
        idempotencyExpiry: resolved.idempotencyExpiry,
        idempotencyTableRemovalPolicy: props.idempotencyTableRemovalPolicy ?? RemovalPolicy.DESTROY,
        timeout: resolved.actionTimeout,
        memorySize: resolved.actionMemorySize,
        commands: resolved.enableCommands,
        commandSources: this.commandSources,
        ...(props.attachmentSourceBuckets ? { attachmentSourceBuckets: props.attachmentSourceBuckets } : {}),
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      });
      this.idempotencyTable = actions.idempotencyTable;
      this.actionFunction = actions.actionFunction;
      this.commandFunction = actions.commandFunction;
      this.commandRule = actions.commandRule;
      this.commandDeadLetterQueue = actions.commandDeadLetterQueue;
      this.commandDeadLetterAlarm = actions.commandDeadLetterAlarm;
      if (props.createExampleStateMachine) {
        this.exampleStateMachine = new UpdateSuppliersStateMachine(this, 'ExampleUpdateSuppliers', {
          actionFunction: actions.actionFunction,
          ...(props.logRetention ? { logRetention: props.logRetention } : {}),
        }).stateMachine;
      }
    }
    if (props.schemaRegistry !== false) {
      this.schemaRegistry = new SchemaRegistry(this, 'SchemaRegistry', {
        ...props.schemaRegistry,
        objects: [...new Map(pollerConfigs.map((p) => [p.object.key, p.object])).values()],
        source: this.eventSource,
        commandSources: this.commandSources,
      });
    }
  }

  /**
   * Lets a grantee (an application's role) send `Coupa Command` events to this connector: PutEvents on
   * the bus, conditioned on one of `commandSources` and the `Coupa Command` detail type. Throws when
   * commands are disabled.
   */
  grantSendCommands(grantee: iam.IGrantable, source: string = this.commandSources[0] ?? ''): iam.Grant {
    if (this.commandSources.length === 0) throw new Error('CoupaConnector: grantSendCommands needs commands; enableCommands is false');
    if (!this.commandSources.includes(source)) {
      throw new Error(
        `CoupaConnector: grantSendCommands source "${source}" is not one of commandSources (${this.commandSources.join(', ')})`,
      );
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.eventBus.eventBusArn],
      conditions: { StringEquals: { 'events:source': source, 'events:detail-type': COMMAND_DETAIL_TYPE } },
    });
  }

  /**
   * Lets a grantee (a state machine's role, a function) invoke the action function. Throws when
   * actions are disabled.
   */
  grantInvokeActions(grantee: iam.IGrantable): iam.Grant {
    if (!this.actionFunction) {
      throw new Error('CoupaConnector: grantInvokeActions needs the action function; enableActions is false');
    }
    return this.actionFunction.grantInvoke(grantee);
  }

  /**
   * Lets a grantee use the tokens the way StoredTokenProvider does: read the cached token, and on
   * expiry or a 401 invoke the token-refresh function. Nothing else: it may not read the credentials
   * secret (the client secret) nor write either secret; only the token-refresh function does.
   */
  grantTokenAccess(grantee: iam.IGrantable): void {
    grantSecret(grantee, this.tokenSecret, ['secretsmanager:GetSecretValue']);
    // The unqualified function only (grantInvoke would add every version and alias, `arn:*`).
    iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.tokenRefreshFunction.functionArn] });
  }

  /**
   * The token-refresh function's rights, and nobody else's: read the credentials, write the token
   * (and, for authorization-code grants, the rotated refresh token), take the lease.
   */
  private grantTokenWrites(grantee: iam.IGrantable): void {
    grantSecret(grantee, this.tokenSecret, ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
    const credentialActions = ['secretsmanager:GetSecretValue'];
    if (this.grantType === 'authorization_code') credentialActions.push('secretsmanager:PutSecretValue');
    grantSecret(grantee, this.credentialsSecret, credentialActions);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resourceArns: [this.tokenLeaseTable.tableArn],
    });
    grantKeyVia(this.encryptionKey, grantee, 'dynamodb', KEY_ACTIONS.dynamodb);
  }

  private createCredentialsSecret(props: CoupaConnectorProps): secretsmanager.Secret {
    // The template is constant on purpose: CloudFormation regenerates the value whenever the template
    // changes, which would wipe what the user stored. Host and grant type come from props instead.
    const secret = new secretsmanager.Secret(this, 'CredentialsSecret', {
      description: `Coupa OAuth client credentials for ${props.instance}: replace clientId and clientSecret`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ clientId: CREDENTIALS_PLACEHOLDER, scopes: [] }),
        generateStringKey: 'clientSecret',
        excludePunctuation: true,
      },
      removalPolicy: props.credentialsSecretRemovalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Holds the OAuth client credentials an administrator issues in Coupa (Setup > OAuth2/OpenID Connect Clients); ' +
        'Secrets Manager rotation cannot re-issue them. The refresh token inside (authorization-code grants) ' +
        'is rotated by the token-refresh function on every refresh.',
    });
    return secret;
  }

  private createTokenSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'TokenSecret', {
      description: `Cached Coupa access token for ${this.instance}; written by the token-refresh function`,
      // A placeholder value: consumers read anything that is not a token as "no token yet".
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ note: 'written by the token-refresh function' }),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.DESTROY, // a cache: the next refresh recreates its content
      ...(this.encryptionKey ? { encryptionKey: this.encryptionKey } : {}),
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotated by our own scheduled token-refresh function (EventBridge rate rule), which mints a new Coupa ' +
        'access token before the old one expires; Secrets Manager rotation would need a second function ' +
        'doing the same and cannot coordinate with the 401-triggered refresh.',
    });
    return secret;
  }
}

/** The one source `Coupa Command` events are accepted from unless `commandSources` says otherwise. */
export const defaultCommandSource = (instance: string): string => `coupa.${instance}.commands`;

function grantSecret(grantee: iam.IGrantable, secret: secretsmanager.ISecret, actions: string[]): void {
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [secret.secretArn] });
  // Customer-managed keys only; the default aws/secretsmanager key needs no grant. Through Secrets
  // Manager only: the role cannot decrypt anything else encrypted under the same key.
  const keyActions = actions.includes('secretsmanager:PutSecretValue') ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
  grantKeyVia(secret.encryptionKey, grantee, 'secretsmanager', keyActions);
}
