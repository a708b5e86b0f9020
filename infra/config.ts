// The example app's configuration, in one place. Edit this file (or copy the stack into your own
// CDK app) and run `cdk deploy`. Secrets never go here: after the first deploy, store the OAuth
// client's id and secret in the credentials secret the stack outputs.
import type { CoupaQuery, FieldSpec } from '../shared/coupa';
import type { GrantType } from '../shared/tokens/credentials';

/**
 * One Coupa object to turn into events: one poller function on its own schedule. Keys are catalog keys
 * (`npm run --silent cli -- objects` lists them); bad values fail `cdk synth` with the reason.
 */
export interface PollObjectConfig {
  /** Catalog key = API resource, e.g. `invoices`, `purchase_orders`, `remit_to_addresses` (a sweep over suppliers). */
  readonly object: string;
  /** Names a second (third, …) trigger of the same object: its own cursor, function and events (PollerConfig.name). */
  readonly name?: string;
  /** Minutes between poll runs: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, or whole hours dividing a day (60, 120, …, 1440). @default 5 */
  readonly scheduleMinutes?: number;
  /** How late a change may become visible to queries (design.md hazard 3). @default 120 */
  readonly lagSeconds?: number;
  /** First run publishes the changes since this ISO instant (a backfill over as many runs as it takes). @default - first run's time */
  readonly since?: string;
  /** @default 'default' */
  readonly returnType?: 'default' | 'shallow' | 'limited';
  /** Coupa `fields` to fetch, e.g. `['id', 'status', { supplier: ['name'] }]`. @default - all */
  readonly fields?: FieldSpec;
  /** Extra Coupa conditions, e.g. `{ status: { in: ['approved'] } }` (not on updated_at/id/order_by). @default - none */
  readonly filters?: CoupaQuery;
  /** Lambda memory (MB). @default 512 */
  readonly memorySize?: number;
  /** Lambda timeout in minutes (1–15, at most scheduleMinutes). @default the lesser of 5 and scheduleMinutes */
  readonly timeoutMinutes?: number;
}

export interface ConnectorConfig {
  /** CloudFormation stack name. */
  readonly stackName: string;
  /** Instance name; events carry the source `coupa.<instance>`. */
  readonly instance: string;
  /** The instance URL (https only). */
  readonly host: string;
  /** OAuth grant the credentials secret uses. */
  readonly grantType: GrantType;
  /** Token refresh cadence; the defaults suit Coupa's 24 h tokens. */
  readonly tokenRefreshIntervalHours: number;
  readonly tokenMinValidityHours: number;
  /** Objects to turn into events, one poller each, staggered by minute in this order. */
  readonly objects: readonly PollObjectConfig[];
  /** Days claim-checked payloads stay in the payload bucket. */
  readonly payloadRetentionDays: number;
  /** Reserve a concurrency of 1 per poller (needs unreserved concurrency quota to spare). */
  readonly reservePollerConcurrency: boolean;
  /** Also deploy the example state machine (infra/examples/UpdateSuppliersStateMachine.ts). */
  readonly exampleStateMachine: boolean;
}

export const config: ConnectorConfig = {
  stackName: 'CoupaConnectorExample',
  instance: 'acme',
  host: 'https://acme.coupahost.com',
  grantType: 'client_credentials',
  tokenRefreshIntervalHours: 4,
  tokenMinValidityHours: 6,
  objects: [{ object: 'invoices' }, { object: 'purchase_orders', lagSeconds: 300 }, { object: 'suppliers', scheduleMinutes: 15 }],
  payloadRetentionDays: 30,
  reservePollerConcurrency: false,
  exampleStateMachine: true,
};
