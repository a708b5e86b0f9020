import type { Simulator } from '../../shared/simulator';
import { call, getToken, startTestSimulator, T0, tokenResponse } from './helpers';

describe('simulator OAuth 2.0', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.control.clock.set(T0));

  const credentials = { grant_type: 'client_credentials', client_id: 'sim-client', client_secret: 'sim-secret' };

  it.each(['/oauth2/token', '/oauth2/access_tokens'])('issues a bearer token for client credentials at %s', async (path) => {
    const { status, body } = await tokenResponse(sim, { ...credentials, scope: 'core.common.read core.invoice.read' }, {}, path);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 86399,
      scope: 'core.common.read core.invoice.read',
    });
    expect(sim.control.grantedScopes().at(-1)).toEqual(['core.common.read', 'core.invoice.read']);
  });

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from('sim-client:sim-secret').toString('base64');
    const { status, body } = await tokenResponse(sim, { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(status).toBe(200);
    expect(body.access_token).toEqual(expect.any(String));
  });

  it('answers RFC 6749 errors: wrong secret, unknown grant, missing grant', async () => {
    expect(await tokenResponse(sim, { ...credentials, client_secret: 'nope' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await tokenResponse(sim, { ...credentials, client_id: 'other' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await tokenResponse(sim, { ...credentials, grant_type: 'password' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    expect(await tokenResponse(sim, { client_id: 'sim-client', client_secret: 'sim-secret' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
  });

  it('runs the authorization-code flow with rotating refresh tokens', async () => {
    const authorize = await fetch(
      `${sim.baseUrl}/oauth2/authorizations/new?client_id=sim-client&response_type=code&scope=${encodeURIComponent('core.invoice.read offline_access')}&redirect_uri=${encodeURIComponent('http://localhost:8080/callback')}&state=xyz`,
      { redirect: 'manual' },
    );
    expect(authorize.status).toBe(302);
    const location = new URL(authorize.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('http://localhost:8080/callback');
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code')!;

    const exchange = { ...credentials, grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:8080/callback' };
    const first = await tokenResponse(sim, exchange);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token_type: 'bearer',
      expires_in: 86399,
      scope: 'core.invoice.read offline_access',
      refresh_token: expect.any(String),
    });
    expect(await tokenResponse(sim, exchange)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } }); // codes are single-use

    const refresh = { ...credentials, grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) };
    const second = await tokenResponse(sim, refresh);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    expect(await tokenResponse(sim, refresh)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } }); // rotated: the old one is gone
    expect(await call(sim, String(second.body.access_token), 'GET', '/invoices?limit=1')).toMatchObject({ status: 200 });
  });

  it('issues authorization codes through the control interface too', async () => {
    const code = sim.control.issueAuthorizationCode(['core.supplier.read'], 'http://localhost/cb');
    const reply = await tokenResponse(sim, {
      ...credentials,
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://localhost/other',
    });
    expect(reply).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const code2 = sim.control.issueAuthorizationCode('core.supplier.read');
    expect(await tokenResponse(sim, { ...credentials, grant_type: 'authorization_code', code: code2 })).toMatchObject({
      status: 200,
      body: { scope: 'core.supplier.read' },
    });
  });

  it('refuses API calls without a token, with an unknown token, an expired one or a revoked one', async () => {
    const noToken = await call(sim, undefined, 'GET', '/invoices');
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await call(sim, 'not-a-token', 'GET', '/invoices')).status).toBe(401);

    const token = await getToken(sim);
    expect((await call(sim, token, 'GET', '/invoices')).status).toBe(200);
    sim.control.clock.advance(86_398_000);
    expect((await call(sim, token, 'GET', '/invoices')).status).toBe(200);
    sim.control.clock.advance(1_000);
    expect(await call(sim, token, 'GET', '/invoices')).toMatchObject({
      status: 401,
      body: { error: 'invalid_token', error_description: 'The access token expired' },
    });

    sim.control.clock.set(T0);
    const fresh = await getToken(sim);
    sim.control.revokeTokens();
    expect((await call(sim, fresh, 'GET', '/invoices')).status).toBe(401);
    expect((await call(sim, await getToken(sim), 'GET', '/invoices')).status).toBe(200);
  });

  it('enforces object scopes: read for GET, write for writes; core.common.read objects are always readable', async () => {
    const token = await getToken(sim, { scope: 'core.common.read core.invoice.read' });
    expect((await call(sim, token, 'GET', '/invoices')).status).toBe(200);
    expect((await call(sim, token, 'GET', '/departments')).status).toBe(200);
    const forbidden = await call(sim, token, 'GET', '/suppliers');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ errors: { supplier: [expect.stringContaining('core.supplier.read')] } });
    expect((await call(sim, token, 'PUT', '/invoices/1', { comments: 'x' })).status).toBe(403);

    sim.control.setEnforceScopes(false);
    expect((await call(sim, token, 'GET', '/suppliers')).status).toBe(200);
    sim.control.setEnforceScopes(true);
  });
});
