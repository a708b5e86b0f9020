// The props of CoupaConnector and of each poller: what a deployer configures. Checked at synth time
// (validate-props.ts, validate-pollers.ts). The README's "Construct props" table lists them with defaults.
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { CoupaQuery, FieldSpec } from '../shared/coupa';
import type { EventReturnType } from '../shared/events';
import type { GrantType } from '../shared/tokens/credentials';
import type { RateBudgetProps } from './rate-budget';
import type { SchemaRegistryOptions } from './SchemaRegistry';

/** One Coupa object to turn into events (see shared/catalog for the keys; `objects` in the CLI). */
export interface PollerConfig {
  /**
   * Catalog key, e.g. `invoices`, `purchase_orders`. Must be trigger-capable. `remit_to_addresses`
   * (served only under suppliers) is polled by a sweep over every supplier (README, "Remit-to addresses").
   */
  readonly object: string;
  /**
   * Names one of several triggers of the same object (e.g. `approved` beside an unnamed `invoices`
   * trigger): lowercase letters, digits and dashes. A named trigger has its own cursor, schedule,
   * function, alarm, claim-check prefix and event ids. Required for every trigger of an object but one.
   * @default - none: the object's one trigger
   */
  readonly name?: string;
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
  /**
   * How long the bus archive keeps this connector's events (source `coupa.<instance>`) for replay (whole
   * days); `false` for no archive.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration | false;
  /** Retention of the functions' log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Lambda's own log lines (JSON log format): WARN leaves out START and REPORT, nearly half of an idle
   * poller's log bytes (durations stay in Lambda's metrics); INFO keeps them, with each run's memory used.
   * @default lambda.SystemLogLevel.WARN
   */
  readonly systemLogLevel?: lambda.SystemLogLevel;
  /** Coupa objects to turn into events, one poller (trigger) each; an object may have several, each named. @default - none */
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
  /**
   * The instance's Coupa rate budget, shared by every poller and action (README "Rate budget").
   * @default - { requestsPerSecond: 20 }
   */
  readonly rateBudget?: RateBudgetProps;
}
