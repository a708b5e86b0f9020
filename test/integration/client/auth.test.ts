// OAuth against the simulator: token caching, refresh ahead of expiry, one re-auth after revocation,
// the authorization-code grant with rotating refresh tokens, and credential errors.
import {
  CoupaClient,
  exchangeAuthorizationCode,
  OAuthTokenProvider,
  refreshAccessToken,
  requestToken,
  type OAuthSettings,
  type TokenProvider,
} from '../../../shared/coupa';
import { apiCalls, CLIENT_ID, CLIENT_SECRET, SCOPES, tokenRequests, useSimulator } from './harness';

const TTL_SECONDS = 3600;
const h = useSimulator({ tokenTtlSeconds: TTL_SECONDS });

const settings = (): OAuthSettings => ({
  host: h.sim.baseUrl,
  grantType: 'client_credentials',
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  scopes: SCOPES,
});

describe('client credentials', () => {
  it('mints one token for many API calls and asks for core.common.read plus the given scopes', async () => {
    const client = h.client();
    for (let i = 0; i < 5; i++) await client.list('suppliers', { limit: 1 });
    await Promise.all([client.get('suppliers', 1), client.get('suppliers', 2), client.list('invoices', { limit: 2 })]);

    expect(tokenRequests(h.sim)).toBe(1);
    expect(apiCalls(h.sim)).toHaveLength(8);
    expect(h.sim.control.grantedScopes().at(-1)).toEqual(['core.common.read', ...SCOPES]);
    const tokenCall = h.sim.control.requests.find((r) => r.path === '/oauth2/token')!;
    expect(tokenCall.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(tokenCall.body).toMatchObject({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: '<redacted>' });
  });

  it('refreshes ahead of expiry, by the shared clock, before Coupa would reject the token', async () => {
    const clock = h.sim.control.clock;
    clock.set(Date.parse('2026-11-27T08:00:00Z'));
    try {
      const provider = new OAuthTokenProvider(settings(), { now: () => clock.now(), refreshSkewMs: 5 * 60_000 });
      const client = new CoupaClient({ host: h.sim.baseUrl, tokenProvider: provider });
      await client.list('suppliers', { limit: 1 });
      const first = await provider.getAccessToken();
      expect(first.expiresAt).toBe(clock.now() + TTL_SECONDS * 1000);

      clock.advance(TTL_SECONDS * 1000 - 5 * 60_000 - 1000); // 5 min 1 s before expiry: still cached
      await client.list('suppliers', { limit: 1 });
      expect(tokenRequests(h.sim)).toBe(1);

      clock.advance(2000); // inside the 5-minute window: refresh, although the old token still works
      await client.list('suppliers', { limit: 1 });
      expect(tokenRequests(h.sim)).toBe(2);
      expect((await provider.getAccessToken()).accessToken).not.toBe(first.accessToken);
      expect(apiCalls(h.sim)).toEqual([
        ['GET', 200],
        ['GET', 200],
        ['GET', 200],
      ]);
    } finally {
      clock.useRealTime();
    }
  });

  it('recovers from revoked tokens with exactly one re-auth, even for concurrent requests', async () => {
    const client = h.client();
    await client.list('suppliers', { limit: 1 });
    h.sim.control.revokeTokens();

    const pages = await Promise.all(Array.from({ length: 5 }, (_, i) => client.get('suppliers', i + 1)));

    expect(pages.map((p) => p.id)).toEqual([1, 2, 3, 4, 5]);
    expect(tokenRequests(h.sim)).toBe(2);
    const statuses = apiCalls(h.sim).map(([, status]) => status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
  });

  it('resends a POST once after a 401 (Coupa rejects it before processing)', async () => {
    const client = h.client();
    await client.list('suppliers', { limit: 1 });
    h.sim.control.revokeTokens();
    const before = h.sim.control.list('suppliers').length;

    const created = await client.create('suppliers', { name: `After revocation ${Date.now()}` }, { returnObject: 'limited' });

    expect(created).toEqual({ id: expect.any(Number) });
    expect(h.sim.control.list('suppliers')).toHaveLength(before + 1);
    expect(apiCalls(h.sim)).toEqual([
      ['GET', 200],
      ['POST', 401],
      ['POST', 201],
    ]);
  });

  it('gives up with Coupa.Unauthorized when the refreshed token is refused too', async () => {
    let calls = 0;
    const stuck: TokenProvider = {
      getToken: async () => {
        calls++;
        return 'not-a-coupa-token';
      },
    };
    const client = new CoupaClient({ host: h.sim.baseUrl, tokenProvider: stuck });

    const error = await client.list('suppliers').catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'Coupa.Unauthorized', status: 401, method: 'GET', path: '/api/suppliers' });
    expect((error as Error).message).toMatch(/also after fetching a new token/);
    expect(apiCalls(h.sim)).toEqual([
      ['GET', 401],
      ['GET', 401],
    ]);
    expect(calls).toBe(3); // first attempt, the forced refresh, the resend
  });

  it('maps bad client credentials to Coupa.Unauthorized without echoing the secret', async () => {
    const client = new CoupaClient({ host: h.sim.baseUrl, credentials: { clientId: CLIENT_ID, clientSecret: 'wrong-secret-123' } });

    const error = await client.list('suppliers').catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'Coupa.Unauthorized', status: 401, path: '/oauth2/token' });
    expect((error as Error).message).toMatch(/invalid_client.*check the client id and secret/);
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain('wrong-secret-123');
    expect(apiCalls(h.sim)).toEqual([]);
  });

  it('retries the token endpoint on 503 for client credentials', async () => {
    h.sim.control.injectFaults([{ kind: 'status', status: 503, path: '/oauth2', count: 2 }]);
    const token = await requestToken(settings(), { retry: { backoffBaseMs: 10, jitter: false } });
    expect(token.accessToken).toEqual(expect.any(String));
    expect(h.sim.control.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });
});

describe('authorization code with rotating refresh tokens', () => {
  const redirectUri = 'https://app.example.com/coupa/callback';

  it('exchanges a code, persists each rotated refresh token, and the old one stops working', async () => {
    const code = h.sim.control.issueAuthorizationCode(['core.supplier.read'], redirectUri);
    const persisted: string[] = [];
    const provider = await OAuthTokenProvider.fromAuthorizationCode(
      { host: h.sim.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ['core.supplier.read'] },
      code,
      redirectUri,
      { onRefreshTokenRotated: (token) => void persisted.push(token) },
    );
    const client = new CoupaClient({ host: h.sim.baseUrl, tokenProvider: provider });
    await expect(client.list('suppliers', { limit: 2 })).resolves.toHaveLength(2);
    expect(persisted).toHaveLength(1);
    expect(tokenRequests(h.sim)).toBe(1); // the exchange's token is used, no second mint

    // A 401 makes the provider refresh: Coupa rotates the refresh token, the provider reports it.
    h.sim.control.revokeTokens();
    await expect(client.list('suppliers', { limit: 2 })).rejects.toMatchObject({ name: 'Coupa.Unauthorized', path: '/oauth2/token' });
    // Revocation killed the refresh token too; a fresh login gets a new chain.
    const code2 = h.sim.control.issueAuthorizationCode(['core.supplier.read'], redirectUri);
    const first = await exchangeAuthorizationCode(
      { host: h.sim.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ['core.supplier.read'] },
      code2,
      redirectUri,
    );
    const rotated = await refreshAccessToken({ host: h.sim.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, first.refreshToken);
    expect(rotated.refreshToken).toEqual(expect.any(String));
    expect(rotated.refreshToken).not.toBe(first.refreshToken);

    // What the scheduled refresh does with stored authorization-code settings: requestToken refreshes.
    const next = await requestToken({ ...settings(), grantType: 'authorization_code', refreshToken: rotated.refreshToken! });
    expect(next.refreshToken).not.toBe(rotated.refreshToken);

    // The used refresh token is gone: Coupa.Unauthorized with a hint to authorise again.
    const reuse = await refreshAccessToken(settings(), rotated.refreshToken).catch((e: Error) => e);
    expect(reuse).toMatchObject({ name: 'Coupa.Unauthorized', status: 400 });
    expect((reuse as Error).message).toMatch(/refresh token.*authorise the OAuth client again/);
    expect((reuse as Error).message).not.toContain(rotated.refreshToken!);
  });

  it('rotates through the provider on refresh and reports every new refresh token', async () => {
    const code = h.sim.control.issueAuthorizationCode(['core.supplier.read'], redirectUri);
    const initial = await exchangeAuthorizationCode(
      { host: h.sim.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ['core.supplier.read'] },
      code,
      redirectUri,
    );
    const persisted: string[] = [];
    const provider = new OAuthTokenProvider(
      { ...settings(), grantType: 'authorization_code', refreshToken: initial.refreshToken! },
      { onRefreshTokenRotated: (token) => void persisted.push(token) },
    );

    await provider.getToken();
    await provider.getToken({ forceRefresh: true });

    expect(persisted).toHaveLength(2);
    expect(new Set([initial.refreshToken, ...persisted]).size).toBe(3);
    expect(provider.refreshToken).toBe(persisted[1]);
    const refreshes = h.sim.control.requests.filter((r) => (r.body as { grant_type?: string } | undefined)?.grant_type === 'refresh_token');
    expect(refreshes).toHaveLength(2);
  });

  it('rejects a reused authorization code', async () => {
    const code = h.sim.control.issueAuthorizationCode(['core.supplier.read'], redirectUri);
    const client = { host: h.sim.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
    await exchangeAuthorizationCode(client, code, redirectUri);
    const error = await exchangeAuthorizationCode(client, code, redirectUri).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Coupa.Unauthorized' });
    expect((error as Error).message).toMatch(/authorization code.*already used/);
    expect((error as Error).message).not.toContain(code);
  });
});
