// Refresh-token lockout, reproduced and prevented: the simulator's refresh tokens are single use
// (authorization-code grant), the real token-refresh handler runs in this process against moto
// (Secrets Manager, the DynamoDB lease), pollers'/actions' StoredTokenProviders ask it through the
// in-process refresher, and the Lambda adapter is checked over the real SDK against a loopback front.
import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { DynamoRefreshLease } from '../../shared/adapters/aws/DynamoRefreshLease';
import { LambdaTokenRefresher } from '../../shared/adapters/aws/LambdaTokenRefresher';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/SecretsManagerSecretStore';
import { InProcessTokenRefresher } from '../../shared/adapters/local/InProcessTokenRefresher';
import { createCoupaClient } from '../../shared/coupa';
import { exchangeAuthorizationCode, refreshAccessToken, requestToken } from '../../shared/coupa/auth';
import { startSimulator, type Simulator } from '../../shared/simulator';
import { RefreshTokenNotStoredError } from '../../shared/tokens/errors';
import { refreshStoredToken, type RefreshDeps } from '../../shared/tokens/refresh-stored-token';
import type { SecretStore } from '../../shared/tokens/SecretStore';
import { StoredTokenProvider } from '../../shared/tokens/StoredTokenProvider';
import { tokenFingerprint } from '../../shared/tokens/token-fingerprint';
import { loadHandler } from '../support/lambda-handler';
import { startLambdaFront } from '../support/lambda-front';
import { dynamoDbClient, motoClientConfig, motoLambdaEnvironment, secretsManagerClient } from '../support/moto/clients';
import { createSecret, createTable } from '../support/moto/resources';
import { refreshContext } from '../support/token-refresher';

const CLIENT_ID = 'race-client';
const CLIENT_SECRET = 'race-client-secret-51c0';
const SCOPES = ['core.common.read', 'core.invoice.read', 'offline_access'];
const DAY_MS = 86_400_000;

type Handler = (event: unknown, context: Context) => Promise<{ refreshed: boolean; expiresAt: string }>;

let sim: Simulator;
let simOffsetMs = 0; // moves Coupa's clock: every access token issued so far expires, refresh tokens live 90 days
const sm = secretsManagerClient();
const store = new SecretsManagerSecretStore(sm);
const readOnly: SecretStore = {
  getJson: (id) => store.getJson(id),
  putJson: () => Promise.reject(new Error('consumers never write secrets')),
};

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    rateLimit: false,
    records: { invoices: 3 },
    now: () => Date.now() + simOffsetMs,
  });
});
afterAll(() => sim?.close());

const settings = () => ({ host: sim.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: SCOPES });

/** A stack's two secrets after `auth login`: credentials with a live refresh token, the token placeholder. */
async function loggedIn() {
  const redirectUri = 'http://127.0.0.1:9/callback';
  const first = await exchangeAuthorizationCode(settings(), sim.control.issueAuthorizationCode(SCOPES, redirectUri), redirectUri);
  const credentialsArn = await createSecret('race-credentials', {
    ...settings(),
    grantType: 'authorization_code',
    refreshToken: first.refreshToken,
    note: 'kept',
  });
  const tokenArn = await createSecret('race-token', { note: 'written by the token-refresh function', placeholder: 'x' });
  return { credentialsArn, tokenArn, firstRefreshToken: first.refreshToken! };
}

const readCredentials = async (arn: string) => (await store.getJson(arn)) as Record<string, unknown>;
const tokenAnswers = () => sim.control.requests.filter((r) => r.method === 'POST' && r.path === '/oauth2/token').map((r) => r.status);

/** The refresher as one Lambda container would run it: a fresh module with its own environment. */
const refreshHandler = (env: Record<string, string>) =>
  loadHandler<Handler>(() => import('../../functions/token-refresh'), {
    ...motoLambdaEnvironment(),
    POWERTOOLS_LOG_LEVEL: 'WARN',
    COUPA_GRANT_TYPE: 'authorization_code',
    ...env,
  });

/** Proves `refreshToken` is the live one by spending it (so only at the end of a test). */
const isLive = (refreshToken: string) =>
  refreshAccessToken(settings(), refreshToken).then(
    () => true,
    () => false,
  );

describe('concurrent refreshes with single-use refresh tokens', () => {
  test('401 bursts from several providers plus scheduled refreshes never end in invalid_grant; the secret keeps the newest refresh token', async () => {
    const { credentialsArn, tokenArn, firstRefreshToken } = await loggedIn();
    const env = {
      CREDENTIALS_SECRET_ARN: credentialsArn,
      TOKEN_SECRET_ARN: tokenArn,
      TOKEN_LEASE_TABLE: await createTable('token-lease', 'pk'),
    };
    // Two containers: the one pollers/actions invoke, and a scheduled run whose token is always due.
    const invoked = await refreshHandler(env);
    const scheduled = await refreshHandler({ ...env, MIN_VALIDITY_SECONDS: String(86_400) });
    const providers = Array.from(
      { length: 4 },
      () =>
        new StoredTokenProvider(
          { secrets: readOnly, refresher: new InProcessTokenRefresher((request) => invoked(request, refreshContext)) },
          { tokenSecretId: tokenArn },
        ),
    );
    const clients = providers.map((tokenProvider) => createCoupaClient({ host: sim.baseUrl, tokenProvider, retry: { limit: 0 } }));
    sim.control.resetRequestLog();

    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      // Round 0: no token yet (every provider asks); later rounds: every cached token expired at Coupa (401s).
      if (round > 0) simOffsetMs += DAY_MS;
      const results = await Promise.all([
        ...clients.map((client) => client.list('invoices', { limit: 1 })),
        scheduled({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, refreshContext),
      ]);
      expect(results).toHaveLength(clients.length + 1);
    }

    const answers = tokenAnswers();
    expect(answers.every((status) => status === 200)).toBe(true); // no invalid_grant, ever
    // The lease collapses each burst: at most one refresh for the 401s and one scheduled, per round.
    expect(answers.length).toBeLessThanOrEqual(2 * rounds);
    expect(sim.control.requests.filter((r) => r.path === '/api/invoices' && r.status === 200)).toHaveLength(clients.length * rounds);

    const creds = await readCredentials(credentialsArn);
    expect(creds).toMatchObject({ ...settings(), grantType: 'authorization_code', note: 'kept' });
    expect(creds.refreshToken).not.toBe(firstRefreshToken);
    expect(await isLive(creds.refreshToken as string)).toBe(true);
  });
});

describe('storing the rotated refresh token', () => {
  /** Refresher deps whose PutSecretValue on `failingSecret` fails `failures` times (an SDK-level fault moto cannot produce). */
  function depsWithFailingPuts(failingSecret: string, failures: number, leaseTable: string) {
    const client: SecretsManagerClient = secretsManagerClient();
    const send = client.send.bind(client);
    let attempts = 0;
    jest.spyOn(client, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof PutSecretValueCommand && command.input.SecretId === failingSecret) {
        attempts += 1;
        if (attempts <= failures) {
          return Promise.reject(
            Object.assign(new Error('Secrets Manager is unavailable'), { name: 'InternalServiceError', $fault: 'server' }),
          );
        }
      }
      return send(command as never);
    }) as never);
    const deps: RefreshDeps = {
      secrets: new SecretsManagerSecretStore(client),
      lease: new DynamoRefreshLease({ client: dynamoDbClient(), tableName: leaseTable }),
      requestToken,
      sleep: async () => undefined, // the backoff itself is not under test
    };
    return { deps, attempts: () => attempts };
  }

  test('a PutSecretValue failing transiently is retried: the rotated refresh token is stored', async () => {
    const { credentialsArn, tokenArn, firstRefreshToken } = await loggedIn();
    const { deps, attempts } = depsWithFailingPuts(credentialsArn, 2, await createTable('token-lease', 'pk'));

    const result = await refreshStoredToken(deps, { credentialsSecretId: credentialsArn, tokenSecretId: tokenArn, minValidityMs: 0 });

    expect(result.refreshed).toBe(true);
    expect(attempts()).toBe(3);
    const stored = (await readCredentials(credentialsArn)).refreshToken as string;
    expect(stored).not.toBe(firstRefreshToken);
    expect(await isLive(stored)).toBe(true);
  });

  test('when the secret keeps refusing, the token waits in the lease table and the next refresh uses and stores it', async () => {
    const { credentialsArn, tokenArn, firstRefreshToken } = await loggedIn();
    const leaseTable = await createTable('token-lease', 'pk');
    const broken = depsWithFailingPuts(credentialsArn, Number.MAX_SAFE_INTEGER, leaseTable);
    const input = { credentialsSecretId: credentialsArn, tokenSecretId: tokenArn, minValidityMs: 0 };

    const error = await refreshStoredToken(broken.deps, input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RefreshTokenNotStoredError);
    expect(error).toMatchObject({ name: 'Tokens.RefreshTokenNotStored', kept: true });
    expect((error as Error).message).toContain('auth login');
    expect((await readCredentials(credentialsArn)).refreshToken).toBe(firstRefreshToken); // spent at Coupa
    // The access token was stored anyway: consumers keep working meanwhile.
    const accessToken = ((await store.getJson(tokenArn)) as { accessToken: string }).accessToken;
    expect(
      (
        await fetch(`${sim.baseUrl}/api/invoices?limit=1`, {
          headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
        })
      ).status,
    ).toBe(200);
    const pending = await new DynamoRefreshLease({ client: dynamoDbClient(), tableName: leaseTable }).readPending();
    expect(pending?.replacesSha256).toBe(tokenFingerprint(firstRefreshToken));

    // Access to the secret is repaired: the next refresh uses the kept token, stores its successor, clears the table.
    const repaired = depsWithFailingPuts(credentialsArn, 0, leaseTable);
    const next = await refreshStoredToken(repaired.deps, { ...input, force: true });
    expect(next.refreshed).toBe(true);
    const stored = (await readCredentials(credentialsArn)).refreshToken as string;
    expect(stored).not.toBe(firstRefreshToken);
    expect(stored).not.toBe(pending?.refreshToken);
    expect(await new DynamoRefreshLease({ client: dynamoDbClient(), tableName: leaseTable }).readPending()).toBeUndefined();
    expect(await isLive(stored)).toBe(true);
  });
});

describe('LambdaTokenRefresher', () => {
  test("invokes the function synchronously with the rejected token's SHA-256 only, and maps its errors", async () => {
    const calls: unknown[] = [];
    const front = await startLambdaFront({
      'token-refresh': async (event) => {
        calls.push(event);
        if ((event as { force?: boolean }).force) return { refreshed: true, expiresAt: '2026-12-01T00:00:00.000Z' };
        throw Object.assign(new Error('refresh token expired or revoked'), { name: 'Coupa.Unauthorized' });
      },
    });
    try {
      const lambda = new LambdaClient({ ...motoClientConfig(), endpoint: front.endpoint });
      const refresher = new LambdaTokenRefresher(lambda, 'token-refresh');
      const rejected = 'eyJhbGciOi.rejected-access-token.sig';

      const outcome = await refresher.refresh({ force: true, rejectedTokenSha256: tokenFingerprint(rejected) });

      expect(outcome).toEqual({ refreshed: true, expiresAt: '2026-12-01T00:00:00.000Z' });
      const [sent] = front.invocations;
      expect(sent).toMatchObject({ functionName: 'token-refresh', invocationType: 'RequestResponse' });
      expect(sent!.path).toMatch(/^\/2015-03-31\/functions\/token-refresh\/invocations/);
      expect(JSON.parse(sent!.rawPayload)).toEqual({ force: true, rejectedTokenSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(sent!.rawPayload).not.toContain(rejected);

      const failure = await refresher.refresh({}).catch((e: unknown) => e);
      expect(failure).toMatchObject({ name: 'Coupa.Unauthorized' });
      expect((failure as Error).message).toContain('refresh token expired or revoked');
      expect(calls).toHaveLength(2);
    } finally {
      await front.close();
    }
  });
});
