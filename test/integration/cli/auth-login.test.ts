// `auth login` end to end through the package bin against the simulator's auto-approving authorization
// endpoint: the test plays the browser. Then `poll --credentials` uses what it stored.
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loginScopes } from '../../../functions/cli/commands/auth';
import { config } from '../../../infra/config';
import { getObject, scopesFor } from '../../../shared/catalog';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { openInBrowser, startLogin } from '../../support/auth-login';
import { cli, cliError, userEnv as loginEnv } from '../../support/cli';

const CLIENT_SECRET = 'sim-secret-auth-login-4b1d'; // must never be printed
const client = { COUPA_CLIENT_ID: 'sim-client', COUPA_CLIENT_SECRET: CLIENT_SECRET };

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 7, records: 5, rateLimit: false, clientSecret: CLIENT_SECRET });
  dir = await mkdtemp(path.join(tmpdir(), 'coupa-auth-login-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const tokenRequests = () => sim.control.requests.filter((r) => r.path === '/oauth2/token');
const login = (file: string, extra: string[] = [], env = loginEnv(client)) =>
  startLogin(['--host', sim.baseUrl, '--no-browser', '--port', '0', '--out', file, ...extra], env);

describe('CLI: auth login', () => {
  it('prints the authorization URL first, takes the redirect, stores a working refresh token (0600) that poll rotates', async () => {
    const file = path.join(dir, 'nested', 'acme.json');
    const running = login(file, ['--objects', 'suppliers']);
    const url = new URL(await running.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${sim.baseUrl}/oauth2/authorizations/new`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'sim-client',
      response_type: 'code',
      scope: 'core.common.read offline_access core.supplier.read core.supplier.write',
      redirect_uri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callback$/),
      state: expect.stringMatching(/^[\w-]{43}$/),
    });
    // A stray request (a favicon, a scanner) is answered 404 and does not end the login.
    const redirectUri = new URL(url.searchParams.get('redirect_uri')!);
    expect((await fetch(new URL('/favicon.ico', redirectUri))).status).toBe(404);

    const page = await openInBrowser(url.toString());
    expect(page).toMatchObject({ status: 200, html: expect.stringContaining('Signed in') });
    const { code, stdout, stderr } = await running.done;
    expect(code).toBe(0);
    expect(stderr).toContain(`this redirect URI: ${redirectUri.toString()}`);

    const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(stored).toEqual({
      host: sim.baseUrl,
      grantType: 'authorization_code',
      clientId: 'sim-client',
      clientSecret: CLIENT_SECRET,
      scopes: ['core.common.read', 'offline_access', 'core.supplier.read', 'core.supplier.write'],
      refreshToken: expect.any(String),
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    for (const secret of [CLIENT_SECRET, stored.refreshToken as string]) expect(stdout + stderr + page.html).not.toContain(secret);

    const out = path.join(dir, 'suppliers.jsonl');
    await cli(
      [
        'poll',
        '--object',
        'suppliers',
        '--credentials',
        file,
        '--state-dir',
        path.join(dir, 'state'),
        '--out',
        out,
        '--since',
        '2000-01-01T00:00:00Z',
        '--lag-seconds',
        '0',
        '--quiet',
      ],
      { env: loginEnv() },
    );
    const events = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { DetailType: string });
    expect(events).toHaveLength(5);
    expect(events[0]!.DetailType).toMatch(/^Coupa Supplier (Created|Updated)$/);
    const after = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(after.refreshToken).toEqual(expect.any(String));
    expect(after.refreshToken).not.toBe(stored.refreshToken); // the simulator rotates: the login's token was spent by poll
  });

  it('a redirect with a wrong state fails the login and exchanges nothing', async () => {
    const file = path.join(dir, 'wrong-state.json');
    const running = login(file);
    const url = new URL(await running.url);
    url.searchParams.set('state', 'forged-state');
    const before = tokenRequests().length;
    const page = await openInBrowser(url.toString());
    expect(page.status).toBe(400);
    expect(page.html).toContain('wrong state');
    const { code, stderr } = await running.done;
    expect(code).toBe(1);
    expect(cliError(stderr)).toMatchObject({
      errorType: 'Login.StateMismatch',
      errorMessage: expect.stringContaining('nothing was exchanged'),
    });
    expect(tokenRequests().length).toBe(before);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('an error= redirect (the person declined) fails with Coupa’s reason', async () => {
    const running = login(path.join(dir, 'denied.json'));
    const url = new URL(await running.url);
    const callback = new URL(url.searchParams.get('redirect_uri')!);
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('error_description', 'The resource owner denied the request <b>');
    callback.searchParams.set('state', url.searchParams.get('state')!);
    const page = await openInBrowser(callback.toString());
    expect(page.status).toBe(400);
    expect(page.html).toContain('access_denied');
    expect(page.html).not.toContain('<b>'); // escaped
    const { code, stderr } = await running.done;
    expect(code).toBe(1);
    expect(cliError(stderr)).toMatchObject({ errorType: 'Login.Denied', errorMessage: expect.stringContaining('access_denied') });
  });

  it('gives up after --timeout-seconds with a clear message', async () => {
    const { code, stdout, stderr } = await login(path.join(dir, 'timeout.json'), ['--timeout-seconds', '1']).done;
    expect(code).toBe(1);
    expect(stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorizations\/new\?/);
    expect(cliError(stderr)).toMatchObject({
      errorType: 'Login.Timeout',
      errorMessage: expect.stringContaining('no redirect from Coupa within 1 s'),
    });
  });

  it('names a busy --port', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((busy.address() as AddressInfo).port);
      const { code, stdout, stderr } = await startLogin(
        ['--host', sim.baseUrl, '--no-browser', '--port', port, '--out', path.join(dir, 'busy.json')],
        loginEnv(client),
      ).done;
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(cliError(stderr).errorMessage).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('without COUPA_CLIENT_ID / COUPA_CLIENT_SECRET it says what to set and starts nothing', async () => {
    const { code, stdout, stderr } = await login(path.join(dir, 'no-env.json'), [], loginEnv({ COUPA_CLIENT_ID: 'sim-client' })).done;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(cliError(stderr)).toMatchObject({
      errorType: 'UsageError',
      errorMessage: expect.stringMatching(/^Set COUPA_CLIENT_SECRET: the Identifier and Secret of the Coupa OAuth2\/OpenID Connect client/),
    });
  });

  it('opens the browser with the platform opener (here a stand-in that follows the URL)', async () => {
    const opener = path.join(dir, 'bin-opener');
    await mkdir(opener);
    const script = `#!${process.execPath}\nfetch(process.argv[2]).then((r) => r.text()).then(() => process.exit(0), () => process.exit(1));\n`;
    for (const name of ['xdg-open', 'open']) {
      await writeFile(path.join(opener, name), script);
      await chmod(path.join(opener, name), 0o755);
    }
    const file = path.join(dir, 'opened.json');
    const { code, stderr } = await startLogin(['--host', sim.baseUrl, '--port', '0', '--out', file], loginEnv({ ...client, PATH: opener }))
      .done;
    expect(code).toBe(0);
    expect(stderr).toContain('Opening your browser');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ grantType: 'authorization_code', refreshToken: expect.any(String) });
  });

  it('without a usable opener it says so and keeps waiting for the URL to be opened by hand', async () => {
    const empty = path.join(dir, 'bin-empty');
    await mkdir(empty);
    const running = startLogin(
      ['--host', sim.baseUrl, '--port', '0', '--out', path.join(dir, 'by-hand.json')],
      loginEnv({ ...client, PATH: empty }),
    );
    const url = await running.url;
    expect((await openInBrowser(url)).status).toBe(200);
    const { code, stderr } = await running.done;
    expect(code).toBe(0);
    expect(stderr).toMatch(/Could not open a browser \((xdg-open|open): ENOENT\): open the URL above yourself/);
  });

  it('without --objects or --scopes asks for what the configured objects need; --scopes adds names', () => {
    const configured = config.objects.map((o) => getObject(o.object));
    expect(loginScopes(undefined, undefined)).toEqual(['core.common.read', 'offline_access', ...scopesFor(configured, { actions: true })]);
    expect(loginScopes('invoices', 'core.approval.write,core.invoice.read')).toEqual([
      'core.common.read',
      'offline_access',
      'core.invoice.read',
      'core.invoice.write',
      'core.approval.write',
    ]);
    expect(loginScopes(undefined, 'core.user.read')).toEqual(['core.common.read', 'offline_access', 'core.user.read']);
  });
});
