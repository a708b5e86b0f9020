// The token-refresh handler and StoredTokenProvider end to end: Secrets Manager on moto, Coupa's
// token endpoint on the simulator, the real Coupa client.
import { loadHandler } from '../support/lambda-handler';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/SecretsManagerSecretStore';
import { createCoupaClient } from '../../shared/coupa';
import { exchangeAuthorizationCode, requestToken } from '../../shared/coupa/auth';
import { refreshStoredToken } from '../../shared/tokens/refresh-stored-token';
import type { SecretStore } from '../../shared/tokens/SecretStore';
import { StoredTokenProvider } from '../../shared/tokens/StoredTokenProvider';
import { InProcessTokenRefresher } from '../../shared/adapters/local/InProcessTokenRefresher';
import { MemoryRefreshLease } from '../../shared/adapters/local/MemoryRefreshLease';
import { motoEndpoint, secretsManagerClient, uniqueName } from '../support/moto/clients';
import { createTable } from '../support/moto/resources';
import { startSimulator } from '../../shared/simulator';

const CLIENT_ID = 'connector-test-client';
const CLIENT_SECRET = 'sim-client-secret-7f3a9c'; // must never show up in errors or logs
const SCOPES = ['core.common.read', 'core.invoice.read'];

type Sim = Awaited<ReturnType<typeof startSimulator>>;
type Handler = (event: unknown, context: Context) => Promise<{ refreshed: boolean; expiresAt: string }>;

const sm = secretsManagerClient();
const store = new SecretsManagerSecretStore(sm);
let sim: Sim;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenTtlSeconds: 86_399 });
});
afterAll(async () => {
  await sim?.close();
});

// --- helpers ---------------------------------------------------------------------------------------

async function createSecrets(credentials: unknown) {
  const credentialsArn = (
    await sm.send(
      new CreateSecretCommand({
        Name: uniqueName('coupa-credentials'),
        SecretString: typeof credentials === 'string' ? credentials : JSON.stringify(credentials),
      }),
    )
  ).ARN!;
  // What CoupaConnector deploys: a placeholder the consumers read as "no token yet".
  const tokenArn = (
    await sm.send(
      new CreateSecretCommand({
        Name: uniqueName('coupa-token'),
        SecretString: JSON.stringify({ note: 'written by the token-refresh function', placeholder: 'x' }),
      }),
    )
  ).ARN!;
  return { credentialsArn, tokenArn };
}

const credentials = (extra: Record<string, unknown> = {}) => ({
  host: sim.baseUrl,
  grantType: 'client_credentials',
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  scopes: SCOPES,
  ...extra,
});

const readJson = async (arn: string) =>
  JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!) as Record<string, unknown>;

const tokenRequests = () => sim.control.requests.filter((r) => r.method === 'POST' && r.path === '/oauth2/token');

const context = {
  functionName: 'token-refresh',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:token-refresh',
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** Imports a fresh handler module with this environment (and a lease table of its own), as a cold start would. */
// Only Secrets Manager's and DynamoDB's endpoints are given: the function must need nothing else.
const loadRefreshHandler = async (env: Record<string, string>) =>
  loadHandler<Handler>(() => import('../../functions/token-refresh'), {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: motoEndpoint(),
    AWS_ENDPOINT_URL_DYNAMODB: motoEndpoint(),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    TOKEN_LEASE_TABLE: await createTable('token-lease', 'pk'),
    ...env,
  });

/** Everything the process writes to stdout/stderr while `fn` runs (Powertools Logger writes there). */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; output: string }> {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    }),
  );
  try {
    return { result: await fn(), output: chunks.join('') };
  } catch (error) {
    return { error, output: chunks.join('') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/** Message, stack, own fields and the whole cause chain of an error, as one string. */
function everythingAbout(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String(e), (e as Error).stack ?? '');
    try {
      parts.push(JSON.stringify(e, Object.getOwnPropertyNames(e)));
    } catch {
      parts.push('[unserializable]');
    }
  }
  return parts.join('\n');
}

// --- the scheduled handler -------------------------------------------------------------------------

describe('token-refresh handler', () => {
  test('fetches a token from Coupa, stores it, and returns no secret', async () => {
    const { credentialsArn, tokenArn } = await createSecrets(credentials());
    const handler = await loadRefreshHandler({ CREDENTIALS_SECRET_ARN: credentialsArn, TOKEN_SECRET_ARN: tokenArn });
    sim.control.resetRequestLog();

    const { result, output } = await captureOutput(() => handler({}, context));

    expect(result?.refreshed).toBe(true);
    expect(tokenRequests()).toHaveLength(1);
    const stored = await readJson(tokenArn);
    // The host goes with the token: pollers and actions need nothing from the credentials secret.
    expect(stored).toEqual({
      accessToken: expect.any(String),
      tokenType: 'bearer',
      expiresAt: expect.any(Number),
      scopes: expect.arrayContaining(SCOPES),
      host: sim.baseUrl,
    });
    expect(result?.expiresAt).toBe(new Date(stored.expiresAt as number).toISOString());
    expect(JSON.stringify(result)).not.toContain(stored.accessToken as string);
    expect(output).not.toContain(stored.accessToken as string);
    expect(output).not.toContain(CLIENT_SECRET);
    expect(output).toContain('stored new access token'); // the logger is really captured

    // The stored token works against the API.
    const res = await fetch(`${sim.baseUrl}/api/invoices?limit=1`, {
      headers: { Authorization: `Bearer ${stored.accessToken}`, Accept: 'application/json' },
    });
    expect(res.status).toBe(200);
  });

  test('a secret without scopes (the stack\'s initial "scopes": []) gets the stack\'s COUPA_SCOPES; listed scopes win', async () => {
    const stackScopes = 'core.common.read core.supplier.read core.supplier.write';
    const empty = await createSecrets(credentials({ scopes: [] }));
    await captureOutput(async () =>
      (
        await loadRefreshHandler({
          CREDENTIALS_SECRET_ARN: empty.credentialsArn,
          TOKEN_SECRET_ARN: empty.tokenArn,
          COUPA_SCOPES: stackScopes,
        })
      )({}, context),
    );
    expect(sim.control.grantedScopes().at(-1)).toEqual(stackScopes.split(' '));
    expect((await readJson(empty.tokenArn)).scopes).toEqual(stackScopes.split(' '));

    const listed = await createSecrets(credentials());
    await captureOutput(async () =>
      (
        await loadRefreshHandler({
          CREDENTIALS_SECRET_ARN: listed.credentialsArn,
          TOKEN_SECRET_ARN: listed.tokenArn,
          COUPA_SCOPES: stackScopes,
        })
      )({}, context),
    );
    expect(sim.control.grantedScopes().at(-1)).toEqual(SCOPES);
  });

  test('a token valid for longer than MIN_VALIDITY_SECONDS is left alone; {force:true} refreshes it', async () => {
    const { credentialsArn, tokenArn } = await createSecrets(credentials());
    const handler = await loadRefreshHandler({
      CREDENTIALS_SECRET_ARN: credentialsArn,
      TOKEN_SECRET_ARN: tokenArn,
      MIN_VALIDITY_SECONDS: String(6 * 3600),
    });
    await captureOutput(() => handler({}, context));
    const first = await readJson(tokenArn);
    sim.control.resetRequestLog();

    const again = await captureOutput(() => handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context));
    expect(again.result).toEqual({ refreshed: false, expiresAt: new Date(first.expiresAt as number).toISOString() });
    expect(tokenRequests()).toHaveLength(0);
    expect(await readJson(tokenArn)).toEqual(first);

    const forced = await captureOutput(() => handler({ force: true }, context));
    expect(forced.result?.refreshed).toBe(true);
    expect(tokenRequests()).toHaveLength(1);
    expect((await readJson(tokenArn)).accessToken).not.toBe(first.accessToken);
  });

  test('a token expiring within MIN_VALIDITY_SECONDS is refreshed', async () => {
    const { credentialsArn, tokenArn } = await createSecrets(credentials());
    await store.putJson(tokenArn, {
      accessToken: 'old',
      tokenType: 'bearer',
      expiresAt: Date.now() + 3600_000,
      scopes: [],
      host: sim.baseUrl,
    });
    const handler = await loadRefreshHandler({
      CREDENTIALS_SECRET_ARN: credentialsArn,
      TOKEN_SECRET_ARN: tokenArn,
      MIN_VALIDITY_SECONDS: String(6 * 3600),
    });
    const { result } = await captureOutput(() => handler({}, context));
    expect(result?.refreshed).toBe(true);
    expect((await readJson(tokenArn)).accessToken).not.toBe('old');
  });

  test('authorization code: the rotated refresh token is stored, other fields kept', async () => {
    const code = sim.control.issueAuthorizationCode(SCOPES);
    const initial = await exchangeAuthorizationCode(
      { host: sim.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: SCOPES },
      code,
      'https://example.com/callback',
    );
    const r1 = initial.refreshToken!;
    const { credentialsArn, tokenArn } = await createSecrets(
      credentials({ grantType: 'authorization_code', refreshToken: r1, note: 'kept' }),
    );
    const handler = await loadRefreshHandler({
      CREDENTIALS_SECRET_ARN: credentialsArn,
      TOKEN_SECRET_ARN: tokenArn,
      COUPA_GRANT_TYPE: 'authorization_code',
    });

    const { result, output } = await captureOutput(() => handler({}, context));
    expect(result?.refreshed).toBe(true);
    const creds = await readJson(credentialsArn);
    expect(creds).toEqual({ ...credentials({ grantType: 'authorization_code', note: 'kept' }), refreshToken: expect.any(String) });
    const r2 = creds.refreshToken as string;
    expect(r2).not.toBe(r1);
    expect(output).not.toContain(r1);
    expect(output).not.toContain(r2);

    // The stored refresh token is the live one: the next forced refresh works and rotates again.
    const next = await captureOutput(() => handler({ force: true }, context));
    expect(next.result?.refreshed).toBe(true);
    expect((await readJson(credentialsArn)).refreshToken).not.toBe(r2);
  });

  test('authorization code: the refresh token is written before the access token', async () => {
    const code = sim.control.issueAuthorizationCode(SCOPES);
    const { refreshToken } = await exchangeAuthorizationCode(
      { host: sim.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: SCOPES },
      code,
      'https://example.com/callback',
    );
    const { credentialsArn, tokenArn } = await createSecrets(credentials({ grantType: 'authorization_code', refreshToken }));
    const writes: string[] = [];
    const recording: SecretStore = {
      getJson: (id) => store.getJson(id),
      putJson: (id, v) => {
        writes.push(id);
        return store.putJson(id, v);
      },
    };
    await refreshStoredToken(
      { secrets: recording, requestToken, lease: new MemoryRefreshLease() },
      { credentialsSecretId: credentialsArn, tokenSecretId: tokenArn, minValidityMs: 0 },
    );
    expect(writes).toEqual([credentialsArn, tokenArn]);
  });

  test('a secret asking for another grant type than deployed is refused before any token request', async () => {
    const { credentialsArn, tokenArn } = await createSecrets(
      credentials({ grantType: 'authorization_code', refreshToken: 'rt-secret-value' }),
    );
    const handler = await loadRefreshHandler({
      CREDENTIALS_SECRET_ARN: credentialsArn,
      TOKEN_SECRET_ARN: tokenArn,
      COUPA_GRANT_TYPE: 'client_credentials',
    });
    sim.control.resetRequestLog();
    const { error } = await captureOutput(() => handler({}, context));
    expect((error as Error).message).toMatch(/grantType is authorization_code but the deployment is configured for client_credentials/);
    expect(tokenRequests()).toHaveLength(0);
  });
});

// --- bad credentials: clear errors, no secret values -----------------------------------------------

describe('bad credentials secret', () => {
  const SENTINEL = 'SENTINEL-s3cr3t-4b1d';
  test.each<[string, unknown, RegExp]>([
    ['missing fields', { host: 'https://acme.coupahost.com', clientId: SENTINEL }, /missing clientSecret/],
    [
      'wrong types',
      { host: 'https://acme.coupahost.com', clientId: 'id', clientSecret: SENTINEL, grantType: SENTINEL, scopes: 42 },
      /grantType must be client_credentials or authorization_code; scopes must be/,
    ],
    [
      'authorization code without refresh token',
      { host: 'https://acme.coupahost.com', grantType: 'authorization_code', clientId: SENTINEL, clientSecret: SENTINEL },
      /missing refreshToken/,
    ],
    [
      'plain http host',
      { host: `http://${SENTINEL}.example.com`, clientId: 'id', clientSecret: SENTINEL },
      /plain http:\/\/ only for loopback/,
    ],
    [
      'deploy-time placeholder',
      { clientId: 'REPLACE_ME', clientSecret: SENTINEL, scopes: [] },
      /clientId still holds the placeholder REPLACE_ME/,
    ],
    ['not JSON', `{"clientSecret": "${SENTINEL}"`, /is not valid JSON/],
    ['not an object', JSON.stringify([SENTINEL]), /must be a JSON object/],
  ])('%s', async (_name, secret, message) => {
    const { credentialsArn, tokenArn } = await createSecrets(secret);
    const handler = await loadRefreshHandler({
      CREDENTIALS_SECRET_ARN: credentialsArn,
      TOKEN_SECRET_ARN: tokenArn,
      COUPA_HOST: 'https://acme.coupahost.com',
    });
    const { error, output } = await captureOutput(() => handler({}, context));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(credentialsArn); // names the secret
    expect(everythingAbout(error)).not.toContain(SENTINEL);
    expect(output).not.toContain(SENTINEL);
  });

  test('credentials Coupa rejects: Coupa.Unauthorized, no client secret anywhere', async () => {
    const wrong = `${CLIENT_SECRET}-wrong`;
    const { credentialsArn, tokenArn } = await createSecrets(credentials({ clientSecret: wrong }));
    const handler = await loadRefreshHandler({ CREDENTIALS_SECRET_ARN: credentialsArn, TOKEN_SECRET_ARN: tokenArn });
    const { error, output } = await captureOutput(() => handler({}, context));
    expect((error as Error).name).toBe('Coupa.Unauthorized');
    expect(everythingAbout(error)).not.toContain(wrong);
    expect(output).not.toContain(wrong);
  });
});

// --- consumers: StoredTokenProvider behind the Coupa client -----------------------------------------

describe('StoredTokenProvider with the Coupa client', () => {
  test('recovers from a revoked token with exactly one refresh, by the refresher', async () => {
    const { credentialsArn, tokenArn } = await createSecrets(credentials());
    const handler = await loadRefreshHandler({ CREDENTIALS_SECRET_ARN: credentialsArn, TOKEN_SECRET_ARN: tokenArn });
    const refresher = new InProcessTokenRefresher((request) => handler(request, context));
    // Read only: a provider that tried to write a secret would fail here.
    const readOnly: SecretStore = {
      getJson: (id) => store.getJson(id),
      putJson: () => Promise.reject(new Error('consumers never write secrets')),
    };
    const tokens = new StoredTokenProvider({ secrets: readOnly, refresher }, { tokenSecretId: tokenArn });
    const client = createCoupaClient({ host: sim.baseUrl, tokenProvider: tokens, retry: { limit: 0 } });
    await client.list('invoices', { limit: 1 });
    const before = await readJson(tokenArn);

    sim.control.revokeTokens();
    sim.control.resetRequestLog();
    const invoices = await client.list('invoices', { limit: 1 });

    expect(Array.isArray(invoices)).toBe(true);
    expect(sim.control.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /api/invoices 401',
      'POST /oauth2/token 200',
      'GET /api/invoices 200',
    ]);
    expect((await readJson(tokenArn)).accessToken).not.toBe(before.accessToken);
  });
});
