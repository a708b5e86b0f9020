// The instance's Coupa rate budget (README "Rate budget"): one DynamoDB item per instance that every
// poller and action function draws on (shared/adapters/aws/DynamoRateBudgetStore.ts). Its functions get
// RATE_BUDGET_TABLE and RATE_BUDGET_RPS, and GetItem/UpdateItem on this table only.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DEFAULT_REQUESTS_PER_SECOND } from '../shared/budget/bucket';
import { grantKeyVia, KEY_ACTIONS } from './encryption';

/** What the budget's adapter calls: a read for an idle run's first request, conditional updates otherwise. */
export const RATE_BUDGET_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'] as const;

/** The budget's settings, as CoupaConnectorProps.rateBudget takes them. */
export interface RateBudgetProps {
  /**
   * Coupa requests per second for every poller and action of the instance together; Coupa allows about
   * 25 per instance, shared with the customer's other integrations. 1 to 1000.
   * @default 20
   */
  readonly requestsPerSecond?: number;
}

/** How a function joins the budget: its environment and its grant. */
export interface RateBudgetAccess {
  readonly environment: Readonly<Record<string, string>>;
  grant(grantee: iam.IGrantable): void;
}

export class CoupaRateBudget extends Construct implements RateBudgetAccess {
  /** One item per instance (`pk` = instance): the budget's bucket. Transient state: destroyed with the stack. */
  readonly table: dynamodb.TableV2;
  readonly requestsPerSecond: number;
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RateBudgetProps & { readonly encryptionKey?: kms.IKey }) {
    super(scope, id);
    const rps = props.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    if (!(Number.isFinite(rps) && rps >= 1 && rps <= 1000)) {
      throw new Error(`CoupaConnector: rateBudget.requestsPerSecond must be a number from 1 to 1000 (got ${rps})`);
    }
    this.requestsPerSecond = rps;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.encryptionKey ? { encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey) } : {}),
    });
    this.environment = { RATE_BUDGET_TABLE: this.table.tableName, RATE_BUDGET_RPS: String(rps) };
  }

  grant(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: [...RATE_BUDGET_ACTIONS], resourceArns: [this.table.tableArn] });
    grantKeyVia(this.table.encryptionKey, grantee, 'dynamodb', KEY_ACTIONS.dynamodb);
  }
}
