// The CoupaConnector construct: everything one Coupa instance needs in the customer's account: the
// event bus; the tokens (infra/Tokens.ts); one poller per configured Coupa object (infra/Poller.ts)
// with the resources they share (checkpoint table, claim-check bucket, dead-letter queue); and the
// action side (infra/Actions.ts). Props: infra/CoupaConnectorProps.ts.
import { Aspects, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { COMMAND_DETAIL_TYPE } from '../shared/actions/command';
import { actionResultKeyPrefix } from '../shared/actions/limits';
import { findObject, requiredScopes } from '../shared/catalog';
import { normalizePayloadPrefix } from '../shared/changes/ports';
import type { GrantType } from '../shared/tokens/credentials';
import { Actions } from './Actions';
import { AlarmNotifications, createAlarmTopic } from './alarm-notifications';
import type { CoupaConnectorProps } from './CoupaConnectorProps';
import { Dashboard } from './Dashboard';
import type { FunctionLogging } from './HandlerFunction';
import { createDeadLetterQueue } from './dead-letter-queue';
import { createEventArchive } from './event-archive';
import { assertKeyUsable, grantKeyVia } from './encryption';
import { Poller } from './Poller';
import { createCheckpointTable, createPayloadBucket } from './poller-storage';
import { CoupaRateBudget } from './rate-budget';
import { SchemaRegistry } from './SchemaRegistry';
import { CoupaTokens } from './Tokens';
import { validateConnectorProps } from './validate-props';
import { validatePollers } from './validate-pollers';

export type { CoupaConnectorProps, PollerConfig } from './CoupaConnectorProps';

export class CoupaConnector extends Construct {
  readonly instance: string;
  readonly host?: string;
  readonly grantType: GrantType;
  /** Where Coupa change events go. */
  readonly eventBus: events.IEventBus;
  /** The bus archive of this connector's events, for replay; undefined with `archiveRetention: false`. */
  readonly archive?: events.Archive;
  /** Source of every event: `coupa.<instance>`. */
  readonly eventSource: string;
  /** The credentials and token secrets, the token-refresh function, its schedule and alarm. */
  readonly tokens: CoupaTokens;
  /** Every alarm of the connector notifies this topic, on ALARM and on OK. */
  readonly alarmTopic: sns.ITopic;
  /** The customer-managed key of `encryptionKey`, if any. */
  readonly encryptionKey?: kms.IKey;
  /**
   * The OAuth scopes this configuration needs (shared/catalog `requiredScopes`): `core.common.read`, the
   * pollers' read scopes, the action objects' read and write scopes, and `offline_access` for
   * authorization-code grants. Tokens are requested with these when the credentials secret lists no
   * scopes (`"scopes": []`, its initial value).
   */
  readonly requiredScopes: readonly string[];
  /** The instance's Coupa rate budget (its table, `requestsPerSecond`), drawn on by every poller and action. */
  readonly rateBudget: CoupaRateBudget;
  /** Pollers' cursors and leases: partition key `pk` (string), on demand, point-in-time recovery. */
  readonly checkpointTable: dynamodb.TableV2;
  /** Claim checks: records too large to travel inline, oversized dead letters, large action results. */
  readonly payloadBucket: s3.Bucket;
  /** Entries the bus refused for good, with the reason (body `{reason, message, entry}`). */
  readonly deadLetterQueue: sqs.Queue;
  /** In ALARM while the dead-letter queue holds messages. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /**
   * The poller of each configured trigger (function, role, schedule, alarm), by catalog key, or
   * `<object>:<name>` for a named trigger.
   */
  readonly pollers: Readonly<Record<string, Poller>>;
  /** The action and command functions, their idempotency table and command dead-letter queue; undefined when `enableActions` is false. */
  readonly actions?: Actions;
  /** Sources whose `Coupa Command` events (naming this instance) are run; empty when commands are disabled. */
  readonly commandSources: readonly string[];
  /** The event schemas' registry, unless `schemaRegistry` is false. */
  readonly schemaRegistry?: SchemaRegistry;
  /** The connector's CloudWatch dashboard (`coupa-connector-<instance>`): per object and for the actions (README, "Operating"). */
  readonly dashboard: cloudwatch.Dashboard;
  readonly #payloadPrefix: string;

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
    this.archive = createEventArchive(this, this.eventBus, this.eventSource, props.archiveRetention);

    const pollerKeys = [...new Set(pollerConfigs.map((p) => p.object.key))];
    if (props.actionObjects && !resolved.enableActions) throw new Error('CoupaConnector: actionObjects needs enableActions');
    const unknown = (props.actionObjects ?? []).filter((key) => !findObject(key));
    if (unknown.length > 0)
      throw new Error(`CoupaConnector: actionObjects: unknown objects ${unknown.join(', ')} (see the CLI's \`objects\`)`);
    this.requiredScopes = requiredScopes({
      read: pollerKeys,
      write: resolved.enableActions ? (props.actionObjects ?? pollerKeys) : [],
      grantType: this.grantType,
    });
    const logging: FunctionLogging = {
      ...(props.logRetention ? { retention: props.logRetention } : {}),
      ...(props.systemLogLevel ? { systemLogLevel: props.systemLogLevel } : {}),
    };
    this.tokens = new CoupaTokens(this, 'Tokens', {
      instance: props.instance,
      ...(props.host ? { host: props.host } : {}),
      grantType: this.grantType,
      ...(props.existingCredentialsSecret ? { existingCredentialsSecret: props.existingCredentialsSecret } : {}),
      ...(props.credentialsSecretRemovalPolicy ? { credentialsSecretRemovalPolicy: props.credentialsSecretRemovalPolicy } : {}),
      refreshInterval: resolved.tokenRefreshInterval,
      minValidity: resolved.tokenMinValidity,
      requiredScopes: this.requiredScopes,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
      logging,
    });

    this.checkpointTable = createCheckpointTable(this, props.checkpointTableRemovalPolicy ?? RemovalPolicy.RETAIN, props.encryptionKey);
    this.payloadBucket = createPayloadBucket(this, {
      retention: resolved.payloadRetention,
      removalPolicy: props.payloadBucketRemovalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.payloadAccessLogsBucket ? { accessLogsBucket: props.payloadAccessLogsBucket } : {}),
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
    });
    const dlq = createDeadLetterQueue(
      this,
      { queue: 'DeadLetterQueue', alarm: 'DeadLetterAlarm' },
      {
        retention: resolved.deadLetterRetention,
        ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
        alarmDescription: `Coupa events of ${props.instance} that EventBridge refused are waiting in the dead-letter queue; fix the cause, then redrive them (README, Operating)`,
        whyNoFurtherQueue:
          'This queue is itself the dead-letter destination: the pollers send the events EventBridge refused to it directly ' +
          '(SqsDeadLetterSink), and a person inspects them after the alarm; there is no further queue to redrive to.',
      },
    );
    this.deadLetterQueue = dlq.queue;
    this.deadLetterAlarm = dlq.alarm;

    this.#payloadPrefix = props.payloadPrefix ?? '';
    this.rateBudget = new CoupaRateBudget(this, 'RateBudget', {
      ...props.rateBudget,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
    });
    const wiring = {
      instance: props.instance,
      eventBus: this.eventBus,
      eventSource: this.eventSource,
      tokens: this.tokens,
      rateBudget: this.rateBudget,
    };
    const pollers: Record<string, Poller> = {};
    pollerConfigs.forEach((poller, index) => {
      // Unnamed: `Poller-invoices`, as with one trigger per object; named: `Poller-invoices-approved`.
      pollers[poller.label] = new Poller(this, `Poller-${poller.label.replace(':', '-')}`, {
        ...wiring,
        poller,
        index,
        checkpointTable: this.checkpointTable,
        payloadBucket: this.payloadBucket,
        payloadPrefix: this.#payloadPrefix,
        deadLetterQueue: this.deadLetterQueue,
        reserveConcurrency: props.reservePollerConcurrency ?? false,
        logging,
      });
    });
    this.pollers = pollers;

    if (resolved.enableActions) {
      this.actions = new Actions(this, 'Actions', {
        ...wiring,
        ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
        deadLetterRetention: resolved.deadLetterRetention,
        payloadBucket: this.payloadBucket,
        payloadPrefix: this.#payloadPrefix,
        idempotencyExpiry: resolved.idempotencyExpiry,
        idempotencyTableRemovalPolicy: props.idempotencyTableRemovalPolicy ?? RemovalPolicy.DESTROY,
        timeout: resolved.actionTimeout,
        memorySize: resolved.actionMemorySize,
        commands: resolved.enableCommands,
        commandSources: this.commandSources,
        ...(props.attachmentSourceBuckets ? { attachmentSourceBuckets: props.attachmentSourceBuckets } : {}),
        logging,
      });
    }
    if (props.schemaRegistry !== false) {
      this.schemaRegistry = new SchemaRegistry(this, 'SchemaRegistry', {
        ...props.schemaRegistry,
        objects: [...new Map(pollerConfigs.map((p) => [p.object.key, p.object])).values()],
        source: this.eventSource,
        commandSources: this.commandSources,
      });
    }
    this.dashboard = new Dashboard(this, 'Dashboard', {
      instance: props.instance,
      pollers: Object.entries(this.pollers).map(([label, p]) => ({ label, function: p.function })),
      deadLetterQueue: this.deadLetterQueue,
      actions: this.actions !== undefined,
      alarms: [
        this.tokens.refreshAlarm,
        ...Object.values(this.pollers).map((p) => p.behindAlarm),
        this.deadLetterAlarm,
        ...(this.actions?.commandDeadLetterAlarm ? [this.actions.commandDeadLetterAlarm] : []),
      ],
    }).dashboard;
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
    if (!this.actions) {
      throw new Error('CoupaConnector: grantInvokeActions needs the action function; enableActions is false');
    }
    return this.actions.actionFunction.grantInvoke(grantee);
  }

  /**
   * Lets a grantee use the tokens the way StoredTokenProvider does (read the cached token, invoke the
   * token-refresh function), with `tokens.environment` as its environment. Never the client secret.
   */
  grantTokenAccess(grantee: iam.IGrantable): iam.Grant {
    return this.tokens.grantTokenAccess(grantee);
  }

  /**
   * Lets a grantee (an event consumer) read the claim-checked payloads of `s3` events and large action
   * results: `s3:GetObject` on `<payloadPrefix><instance>/<object>/…` for the given objects (default:
   * every poller's) and `<payloadPrefix>actions/<instance>/…`, with KMS decrypt through S3 when the
   * bucket has a customer-managed key. Nothing else in the bucket.
   */
  grantReadPayloads(
    grantee: iam.IGrantable,
    objects: readonly string[] = [...new Set(Object.values(this.pollers).map((p) => p.objectKey))],
  ): iam.Grant {
    const prefix = normalizePayloadPrefix(this.#payloadPrefix);
    const keys = [...objects.map((o) => `${prefix}${this.instance}/${o}/*`), `${prefix}${actionResultKeyPrefix(this.instance)}*`];
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: keys.map((k) => this.payloadBucket.arnForObjects(k)),
    });
    grantKeyVia(this.payloadBucket.encryptionKey, grantee, 's3', ['kms:Decrypt']);
    return grant;
  }
}

/** The one source `Coupa Command` events are accepted from unless `commandSources` says otherwise. */
export const defaultCommandSource = (instance: string): string => `coupa.${instance}.commands`;
