// Token wiring shared by handlers. Pollers and actions (consumers) only read the token secret and ask
// the token-refresh function for a new token (CoupaConnector.tokens.environment: TOKEN_SECRET_ARN,
// TOKEN_REFRESH_FUNCTION, COUPA_HOST). The token-refresh function alone reads the credentials secret
// and writes both secrets, under the lease in TOKEN_LEASE_TABLE.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoRefreshLease } from '../../shared/adapters/aws/DynamoRefreshLease';
import { LambdaTokenRefresher } from '../../shared/adapters/aws/LambdaTokenRefresher';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/SecretsManagerSecretStore';
import { CoupaClient, type CoupaClientOptions } from '../../shared/coupa';
import { requestToken } from '../../shared/coupa/auth';
import type { Logger } from '../../shared/logger';
import type { RefreshDeps } from '../../shared/tokens/refresh-stored-token';
import { AWS_CALL_TIMEOUT_MS, TOKEN_REQUEST_TIMEOUT_MS } from '../../shared/tokens/refresh-timing';
import type { SecretStore } from '../../shared/tokens/SecretStore';
import { StoredTokenProvider } from '../../shared/tokens/StoredTokenProvider';
import type { TokenRefresher } from '../../shared/tokens/TokenRefresher';
import type { TokenConsumerConfig } from './env';

/**
 * The refresher's adapters: Secrets Manager, the DynamoDB lease and Coupa's token endpoint, each call
 * bounded (shared/tokens/refresh-timing.ts) so the function outlives its worst case. One SDK attempt
 * per call: the use case retries the writes that matter itself. Default SDK configuration otherwise
 * (region, credentials, AWS_ENDPOINT_URL_*).
 */
export function awsRefreshDeps(leaseTable: string, logger?: Logger): RefreshDeps {
  const bounded = { maxAttempts: 1, requestHandler: { requestTimeout: AWS_CALL_TIMEOUT_MS, connectionTimeout: AWS_CALL_TIMEOUT_MS } };
  return {
    secrets: new SecretsManagerSecretStore(new SecretsManagerClient(bounded)),
    lease: new DynamoRefreshLease({ client: new DynamoDBClient(bounded), tableName: leaseTable }),
    // Refresh tokens are single use: no retry after a timeout or 5xx (requestToken's rule); one 429 retry.
    requestToken: (settings, options) =>
      requestToken(settings, { ...options, timeoutMs: TOKEN_REQUEST_TIMEOUT_MS, retry: { limit: 1, maxRetryAfterMs: 5_000 } }),
    ...(logger ? { logger } : {}),
  };
}

/** The refresher a consumer asks: a synchronous invoke of the token-refresh function. */
export function lambdaTokenRefresher(functionName: string, client = new LambdaClient({})): TokenRefresher {
  return new LambdaTokenRefresher(client, functionName);
}

/**
 * A Coupa client for the host the stored token was minted for (else COUPA_HOST), with the stored
 * token. Built on first use and kept for the container's life; a failed build (e.g. the credentials
 * secret still holds placeholders, so the refresher fails) is not kept, so the next call retries.
 */
export function lazyCoupaClient(
  tokens: TokenConsumerConfig,
  logger?: Logger,
  options: Pick<CoupaClientOptions, 'onRetry' | 'onRequest' | 'rateBudget'> = {},
  secrets: SecretStore = new SecretsManagerSecretStore(new SecretsManagerClient({})),
  refresher: TokenRefresher = lambdaTokenRefresher(tokens.refreshFunction),
): () => Promise<CoupaClient> {
  const tokenProvider = new StoredTokenProvider(
    { secrets, refresher, ...(logger ? { logger } : {}) },
    { tokenSecretId: tokens.tokenSecretId, ...(tokens.defaultHost ? { defaultHost: tokens.defaultHost } : {}) },
  );
  return once(async () => new CoupaClient({ host: await tokenProvider.host(), tokenProvider, ...options }));
}

/** A value built on first use and kept; a failed build is forgotten, so the next call tries again. */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
