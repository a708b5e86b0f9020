import {
  CoupaConfigurationError,
  exchangeAuthorizationCode,
  OAuthTokenProvider,
  refreshAccessToken,
  requestToken,
  type FetchLike,
  type OAuthSettings,
} from '../../../shared/coupa';

/** A fake token endpoint: records each form it gets and answers with the next scripted reply. */
function tokenEndpoint(reply: (form: URLSearchParams, n: number) => Response | Promise<Response>) {
  const forms: URLSearchParams[] = [];
  const fetch: FetchLike = async (input) => {
    const request = input as Request;
    expect(request.method).toBe('POST');
    expect(new URL(request.url).pathname).toBe('/oauth2/token');
    expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(await request.text());
    forms.push(form);
    return reply(form, forms.length);
  };
  return { fetch, forms };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const settings: OAuthSettings = {
  host: 'acme',
  grantType: 'client_credentials',
  clientId: 'id-1',
  clientSecret: 'secret-xyz',
  scopes: ['core.invoice.read'],
};

describe('requestToken', () => {
  it('posts the client credentials grant and computes expiry from expires_in', async () => {
    const endpoint = tokenEndpoint(() =>
      json({ access_token: 'AT1', token_type: 'bearer', expires_in: 86399, scope: 'core.common.read core.invoice.read' }),
    );
    const token = await requestToken(settings, { fetch: endpoint.fetch, now: () => 1_000 });
    expect(Object.fromEntries(endpoint.forms[0]!)).toEqual({
      client_id: 'id-1',
      client_secret: 'secret-xyz',
      grant_type: 'client_credentials',
      scope: 'core.common.read core.invoice.read',
    });
    expect(token).toEqual({
      accessToken: 'AT1',
      tokenType: 'bearer',
      expiresAt: 1_000 + 86_399_000,
      scopes: ['core.common.read', 'core.invoice.read'],
    });
  });

  it('refreshes for authorization_code settings and keeps the refresh token when Coupa does not rotate it', async () => {
    const endpoint = tokenEndpoint(() => json({ access_token: 'AT2', expires_in: '60' }));
    const token = await requestToken(
      { ...settings, grantType: 'authorization_code', refreshToken: 'RT-old' },
      { fetch: endpoint.fetch, now: () => 0 },
    );
    expect(Object.fromEntries(endpoint.forms[0]!)).toEqual({
      client_id: 'id-1',
      client_secret: 'secret-xyz',
      grant_type: 'refresh_token',
      refresh_token: 'RT-old',
    });
    expect(token).toMatchObject({ accessToken: 'AT2', tokenType: 'bearer', expiresAt: 60_000, refreshToken: 'RT-old' });
  });

  it('exchanges an authorization code', async () => {
    const endpoint = tokenEndpoint(() => json({ access_token: 'AT3', expires_in: 100, refresh_token: 'RT-1' }));
    const token = await exchangeAuthorizationCode(settings, 'CODE-1', 'https://app.example/cb', { fetch: endpoint.fetch });
    expect(Object.fromEntries(endpoint.forms[0]!)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'CODE-1',
      redirect_uri: 'https://app.example/cb',
    });
    expect(token.refreshToken).toBe('RT-1');
  });

  it('returns the rotated refresh token', async () => {
    const endpoint = tokenEndpoint(() => json({ access_token: 'AT4', refresh_token: 'RT-new' }));
    expect((await refreshAccessToken(settings, 'RT-old', { fetch: endpoint.fetch })).refreshToken).toBe('RT-new');
  });

  it('maps endpoint errors without leaking secrets', async () => {
    const endpoint = tokenEndpoint(() => json({ error: 'invalid_client', error_description: 'bad secret-xyz' }, 401));
    const error = await requestToken(settings, { fetch: endpoint.fetch }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Coupa.Unauthorized', status: 401, path: '/oauth2/token' });
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain('secret-xyz');
  });

  it('retries a 503 for client credentials but not for a refresh', async () => {
    const flaky = tokenEndpoint((_form, n) => (n === 1 ? new Response('', { status: 503 }) : json({ access_token: 'AT5' })));
    await expect(requestToken(settings, { fetch: flaky.fetch, retry: { backoffBaseMs: 1 } })).resolves.toMatchObject({
      accessToken: 'AT5',
    });
    expect(flaky.forms).toHaveLength(2);

    const refresh = tokenEndpoint(() => new Response('', { status: 503 }));
    await expect(refreshAccessToken(settings, 'RT', { fetch: refresh.fetch, retry: { backoffBaseMs: 1 } })).rejects.toMatchObject({
      name: 'Coupa.Transient',
    });
    expect(refresh.forms).toHaveLength(1);
  });

  it('rejects an answer without an access token', async () => {
    const endpoint = tokenEndpoint(() => json({ token_type: 'bearer' }));
    await expect(requestToken(settings, { fetch: endpoint.fetch })).rejects.toThrow(/answered without an access_token/);
  });

  it('checks settings before sending', async () => {
    const endpoint = tokenEndpoint(() => json({ access_token: 'x' }));
    await expect(requestToken({ ...settings, clientSecret: '' }, { fetch: endpoint.fetch })).rejects.toThrow(CoupaConfigurationError);
    await expect(requestToken({ ...settings, grantType: 'authorization_code' }, { fetch: endpoint.fetch })).rejects.toThrow(
      /need a refreshToken/,
    );
    await expect(requestToken({ ...settings, host: 'http://acme.example.com' }, { fetch: endpoint.fetch })).rejects.toThrow(/plain http/);
    expect(endpoint.forms).toHaveLength(0);
  });
});

describe('OAuthTokenProvider', () => {
  const clock = { now: 0 };
  beforeEach(() => {
    clock.now = 0;
  });
  const mint = () => tokenEndpoint((_form, n) => json({ access_token: `AT${n}`, expires_in: 3600 }));

  it('reuses the token until refreshSkewMs before expiry', async () => {
    const endpoint = mint();
    const provider = new OAuthTokenProvider(settings, { fetch: endpoint.fetch, now: () => clock.now, refreshSkewMs: 60_000 });
    expect(await provider.getToken()).toBe('AT1');
    clock.now = 3_540_000 - 1;
    expect(await provider.getToken()).toBe('AT1');
    clock.now = 3_540_000;
    expect(await provider.getToken()).toBe('AT2');
    expect(endpoint.forms).toHaveLength(2);
  });

  it('shares one fetch between concurrent callers', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const endpoint = tokenEndpoint(async (_f, n) => {
      await gate;
      return json({ access_token: `AT${n}`, expires_in: 3600 });
    });
    const provider = new OAuthTokenProvider(settings, { fetch: endpoint.fetch, now: () => clock.now });
    const all = Promise.all(Array.from({ length: 10 }, () => provider.getToken()));
    release();
    expect(new Set(await all)).toEqual(new Set(['AT1']));
    expect(endpoint.forms).toHaveLength(1);
  });

  it('refreshes once per rejected token', async () => {
    const endpoint = mint();
    const provider = new OAuthTokenProvider(settings, { fetch: endpoint.fetch, now: () => clock.now });
    const rejected = await provider.getToken();
    const [a, b] = await Promise.all([
      provider.getToken({ forceRefresh: true, rejectedToken: rejected }),
      provider.getToken({ forceRefresh: true, rejectedToken: rejected }),
    ]);
    // A late caller with the same rejected token reuses the replacement.
    const c = await provider.getToken({ forceRefresh: true, rejectedToken: rejected });
    expect([a, b, c]).toEqual(['AT2', 'AT2', 'AT2']);
    expect(endpoint.forms).toHaveLength(2);
    // forceRefresh without a rejected token always refreshes.
    expect(await provider.getToken({ forceRefresh: true })).toBe('AT3');
  });

  it('keeps using a still-valid token when a proactive refresh fails transiently', async () => {
    const endpoint = tokenEndpoint((_f, n) =>
      n === 1 ? json({ access_token: 'AT1', expires_in: 3600 }) : new Response('', { status: 503 }),
    );
    const provider = new OAuthTokenProvider(settings, { fetch: endpoint.fetch, now: () => clock.now, retry: 0 });
    await provider.getToken();
    clock.now = 3_500_000; // inside the skew window, not expired
    expect(await provider.getToken()).toBe('AT1');
    clock.now = 3_600_000; // expired
    await expect(provider.getToken()).rejects.toMatchObject({ name: 'Coupa.Transient' });
  });

  it('rotates refresh tokens and reports each new one', async () => {
    const endpoint = tokenEndpoint((form, n) =>
      json({ access_token: `AT${n}`, expires_in: 3600, refresh_token: `RT${n}`, _got: form.get('refresh_token') }),
    );
    const rotated: string[] = [];
    const provider = new OAuthTokenProvider(
      { ...settings, grantType: 'authorization_code', refreshToken: 'RT0' },
      { fetch: endpoint.fetch, now: () => clock.now, onRefreshTokenRotated: (t) => void rotated.push(t) },
    );
    expect(await provider.getToken()).toBe('AT1');
    expect(await provider.getToken({ forceRefresh: true })).toBe('AT2');
    expect(endpoint.forms.map((f) => f.get('refresh_token'))).toEqual(['RT0', 'RT1']);
    expect(rotated).toEqual(['RT1', 'RT2']);
    expect(provider.refreshToken).toBe('RT2');
  });

  it('starts from an authorization code', async () => {
    const endpoint = mint();
    const rotated: string[] = [];
    const withRefresh = tokenEndpoint((_f, n) => json({ access_token: `AT${n}`, expires_in: 3600, refresh_token: `RT${n}` }));
    const provider = await OAuthTokenProvider.fromAuthorizationCode(settings, 'CODE', 'https://app/cb', {
      fetch: withRefresh.fetch,
      onRefreshTokenRotated: (t) => void rotated.push(t),
      now: () => clock.now,
    });
    expect(await provider.getToken()).toBe('AT1');
    expect(rotated).toEqual(['RT1']);
    expect(withRefresh.forms).toHaveLength(1);
    await expect(OAuthTokenProvider.fromAuthorizationCode(settings, 'CODE', 'https://app/cb', { fetch: endpoint.fetch })).rejects.toThrow(
      /no refresh token/,
    );
  });

  it('validates settings at construction', () => {
    expect(() => new OAuthTokenProvider({ ...settings, host: '' })).toThrow(CoupaConfigurationError);
    expect(() => new OAuthTokenProvider({ ...settings, grantType: 'authorization_code' })).toThrow(/refreshToken/);
    expect(() => new OAuthTokenProvider(settings, { refreshSkewMs: -1 })).toThrow(/refreshSkewMs/);
  });
});
