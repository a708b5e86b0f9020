// The tokens of one Coupa instance: the credentials secret (what a person stores), the token secret
// (the cached access token), the token-refresh function that alone writes both under a lease, its
// schedule and its alarm. Consumers (pollers, actions, your own functions) get `environment` and
// `grantTokenAccess`: read the cached token, ask the refresher; never the client secret.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CREDENTIALS_PLACEHOLDER, type GrantType } from '../shared/tokens/credentials';
import { TOKEN_REFRESH_TIMEOUT_SECONDS } from '../shared/tokens/refresh-timing';
import { grantKeyVia, KEY_ACTIONS } from './encryption';
import { HandlerFunction, type FunctionLogging } from './HandlerFunction';

/** What a token consumer needs: the environment of shared/tokens' StoredTokenProvider, and the grant. */
export interface TokenAccess {
  /** TOKEN_SECRET_ARN, TOKEN_REFRESH_FUNCTION and COUPA_HOST (functions/lib/env.ts parses them). */
  readonly environment: Readonly<Record<string, string>>;
  /** Read the cached token and invoke the refresher; nothing else. */
  grantTokenAccess(grantee: iam.IGrantable): iam.Grant;
}

export interface CoupaTokensProps {
  readonly instance: string;
  readonly host?: string;
  readonly grantType: GrantType;
  readonly existingCredentialsSecret?: secretsmanager.ISecret;
  readonly credentialsSecretRemovalPolicy?: RemovalPolicy;
  readonly refreshInterval: Duration;
  readonly minValidity: Duration;
  /** Requested when the credentials secret lists no scopes. */
  readonly requiredScopes: readonly string[];
  readonly encryptionKey?: kms.IKey;
  readonly logging?: FunctionLogging;
}

export class CoupaTokens extends Construct implements TokenAccess {
  /** OAuth client credentials (and the rotated refresh token for authorization-code grants). */
  readonly credentialsSecret: secretsmanager.ISecret;
  /** The cached access token `{accessToken, tokenType, expiresAt, scopes}`. */
  readonly tokenSecret: secretsmanager.ISecret;
  /**
   * The only writer of both secrets: scheduled, and invoked synchronously by pollers and actions
   * after a 401 or on expiry; one refresh at a time under the lease in `leaseTable`.
   */
  readonly refreshFunction: lambda.IFunction;
  /**
   * The refresh lease (and a rotated refresh token the credentials secret refused, until it is
   * stored): partition key `pk` (string). Only the token-refresh function may use it.
   */
  readonly leaseTable: dynamodb.TableV2;
  readonly refreshSchedule: events.Rule;
  /** In ALARM when a token refresh failed. */
  readonly refreshAlarm: cloudwatch.Alarm;
  readonly environment: Readonly<Record<string, string>>;
  readonly #encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: CoupaTokensProps) {
    super(scope, id);
    this.#encryptionKey = props.encryptionKey;
    this.credentialsSecret = props.existingCredentialsSecret ?? this.createCredentialsSecret(props);
    this.tokenSecret = this.createTokenSecret(props.instance);
    this.leaseTable = new dynamodb.TableV2(this, 'TokenLeaseTable', {
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
        TOKEN_LEASE_TABLE: this.leaseTable.tableName,
        COUPA_GRANT_TYPE: props.grantType,
        // A default for a secret without scopes; an env var, not the secret's template, which would
        // regenerate the secret (wiping the stored client) whenever the pollers change.
        COUPA_SCOPES: props.requiredScopes.join(' '),
        ...(props.host ? { COUPA_HOST: props.host } : {}),
        POWERTOOLS_SERVICE_NAME: 'coupa-token-refresh',
        MIN_VALIDITY_SECONDS: String(props.minValidity.toSeconds()),
      },
      ...(props.logging ? { logging: props.logging } : {}),
    });
    this.refreshFunction = refresh.function;
    this.environment = {
      TOKEN_SECRET_ARN: this.tokenSecret.secretArn,
      TOKEN_REFRESH_FUNCTION: refresh.function.functionName,
      ...(props.host ? { COUPA_HOST: props.host } : {}),
    };
    this.grantTokenWrites(refresh.role, props.grantType);
    // Async invocations: Lambda retries twice. No DLQ: a scheduled event carries no data, the next
    // run (and every consumer's own expiry/401 path) refreshes anyway; the alarm tells a person.
    refresh.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1) });

    this.refreshSchedule = new events.Rule(this, 'TokenRefreshSchedule', {
      description: `Refreshes the Coupa access token for ${props.instance} ahead of expiry`,
      schedule: events.Schedule.rate(props.refreshInterval),
      targets: [new targets.LambdaFunction(refresh.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });

    this.refreshAlarm = new cloudwatch.Alarm(this, 'TokenRefreshFailed', {
      alarmDescription: `Coupa token refresh for ${props.instance} failed; check its logs and the credentials secret`,
      metric: refresh.function.metricErrors({ period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Lets a grantee use the tokens the way StoredTokenProvider does: read the cached token, and on
   * expiry or a 401 invoke the token-refresh function. Nothing else: it may not read the credentials
   * secret (the client secret) nor write either secret; only the token-refresh function does.
   */
  grantTokenAccess(grantee: iam.IGrantable): iam.Grant {
    const read = grantSecret(grantee, this.tokenSecret, ['secretsmanager:GetSecretValue']);
    // The unqualified function only (grantInvoke would add every version and alias, `arn:*`).
    const invoke = iam.Grant.addToPrincipal({
      grantee,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [this.refreshFunction.functionArn],
    });
    return read.combine(invoke);
  }

  /**
   * The token-refresh function's rights, and nobody else's: read the credentials, write the token
   * (and, for authorization-code grants, the rotated refresh token), take the lease.
   */
  private grantTokenWrites(grantee: iam.IGrantable, grantType: GrantType): void {
    grantSecret(grantee, this.tokenSecret, ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
    const credentialActions = ['secretsmanager:GetSecretValue'];
    if (grantType === 'authorization_code') credentialActions.push('secretsmanager:PutSecretValue');
    grantSecret(grantee, this.credentialsSecret, credentialActions);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resourceArns: [this.leaseTable.tableArn],
    });
    grantKeyVia(this.#encryptionKey, grantee, 'dynamodb', KEY_ACTIONS.dynamodb);
  }

  private createCredentialsSecret(props: CoupaTokensProps): secretsmanager.Secret {
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

  private createTokenSecret(instance: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'TokenSecret', {
      description: `Cached Coupa access token for ${instance}; written by the token-refresh function`,
      // A placeholder value: consumers read anything that is not a token as "no token yet".
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ note: 'written by the token-refresh function' }),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.DESTROY, // a cache: the next refresh recreates its content
      ...(this.#encryptionKey ? { encryptionKey: this.#encryptionKey } : {}),
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

function grantSecret(grantee: iam.IGrantable, secret: secretsmanager.ISecret, actions: string[]): iam.Grant {
  const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [secret.secretArn] });
  // Customer-managed keys only; the default aws/secretsmanager key needs no grant. Through Secrets
  // Manager only: the role cannot decrypt anything else encrypted under the same key.
  const keyActions = actions.includes('secretsmanager:PutSecretValue') ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
  grantKeyVia(secret.encryptionKey, grantee, 'secretsmanager', keyActions);
  return grant;
}
