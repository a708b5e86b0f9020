// The example app's configuration, in one place. Edit this file (or copy the stack into your own
// CDK app) and run `cdk deploy`. Secrets never go here: after the first deploy, store the OAuth
// client's id and secret in the credentials secret the stack outputs.
import type { GrantType } from '../shared/tokens/credentials';

/** One Coupa object to poll (used once pollers exist; see shared/catalog for the keys). */
export interface PollObjectConfig {
  /** Catalog key = API resource, e.g. `invoices`, `purchase_orders`. */
  readonly object: string;
  /** Minutes between poll runs. @default 5 */
  readonly scheduleMinutes?: number;
  /** How late a change may become visible to queries (design.md hazard 3). @default 120 */
  readonly lagSeconds?: number;
  /** @default 'default' */
  readonly returnType?: 'default' | 'shallow' | 'limited';
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
  /** Objects to turn into events. Pollers arrive in a later change; until then this is unused. */
  readonly objects: readonly PollObjectConfig[];
}

export const config: ConnectorConfig = {
  stackName: 'CoupaConnectorExample',
  instance: 'acme',
  host: 'https://acme.coupahost.com',
  grantType: 'client_credentials',
  tokenRefreshIntervalHours: 4,
  tokenMinValidityHours: 6,
  objects: [
    { object: 'invoices' },
    { object: 'purchase_orders', lagSeconds: 300 },
    { object: 'suppliers', scheduleMinutes: 15 },
  ],
};
