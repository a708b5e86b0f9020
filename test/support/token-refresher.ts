// The real token-refresh handler, in this process, behind a loopback Lambda front: what pollers and
// actions under test invoke after a 401 or on expiry, exactly as deployed (LambdaTokenRefresher, the
// real SDK), with its lease table on moto.
import type { Context } from 'aws-lambda';
import { loadHandler } from './lambda-handler';
import { startLambdaFront, type InProcessHandler, type LambdaFront } from './lambda-front';
import { motoLambdaEnvironment } from './moto/clients';
import { createSecret, createTable } from './moto/resources';

export const TOKEN_REFRESH_FUNCTION = 'token-refresh';

export interface TokenRefresherUnderTest {
  readonly handler: (event: unknown, context?: Context) => Promise<{ refreshed: boolean; expiresAt: string }>;
  readonly front: LambdaFront;
  readonly leaseTable: string;
  /** What a consumer (poller, action) needs in its environment. */
  readonly consumerEnv: Record<string, string>;
}

export const refreshContext = {
  functionName: TOKEN_REFRESH_FUNCTION,
  awsRequestId: 'req-1',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${TOKEN_REFRESH_FUNCTION}`,
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
  getRemainingTimeInMillis: () => 90_000,
} as unknown as Context;

/** Loads the token-refresh handler with `env` (CREDENTIALS_SECRET_ARN, TOKEN_SECRET_ARN, …) and serves it. */
export async function startTokenRefresher(env: Record<string, string>): Promise<TokenRefresherUnderTest> {
  const leaseTable = env.TOKEN_LEASE_TABLE ?? (await createTable('token-lease', 'pk'));
  const handler = await loadHandler<InProcessHandler>(() => import('../../functions/token-refresh'), {
    ...motoLambdaEnvironment(),
    POWERTOOLS_LOG_LEVEL: 'WARN',
    TOKEN_LEASE_TABLE: leaseTable,
    ...env,
  });
  const front = await startLambdaFront({ [TOKEN_REFRESH_FUNCTION]: handler });
  return {
    handler: (event, context = refreshContext) => handler(event, context) as Promise<{ refreshed: boolean; expiresAt: string }>,
    front,
    leaseTable,
    consumerEnv: { TOKEN_SECRET_ARN: env.TOKEN_SECRET_ARN!, TOKEN_REFRESH_FUNCTION, AWS_ENDPOINT_URL_LAMBDA: front.endpoint },
  };
}

/**
 * The usual setup: a client-credentials secret for the simulator's client at `host`, an empty token
 * secret, and the refresher serving them.
 */
export async function startSimulatorTokenRefresher(
  host: string,
  client: { readonly clientId: string; readonly clientSecret: string } = { clientId: 'sim-client', clientSecret: 'sim-secret' },
): Promise<TokenRefresherUnderTest> {
  return startTokenRefresher({
    CREDENTIALS_SECRET_ARN: await createSecret('coupa-credentials', { host, grantType: 'client_credentials', ...client, scopes: [] }),
    TOKEN_SECRET_ARN: await createSecret('coupa-token', { placeholder: 'x' }),
    COUPA_GRANT_TYPE: 'client_credentials',
  });
}
