// `doctor` through the package bin against the simulator: a passing check, and each failure named
// with its fix (wrong secret, closed port, a host that is not Coupa, missing scopes, a dead refresh
// token), the clock-skew warning, and never a secret in the output.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exchangeAuthorizationCode } from '../../../shared/coupa';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { runCli, simulatorClientEnv } from '../../support/cli';

const doctor = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCli(['doctor', ...args], { env: simulatorClientEnv(extraEnv) });
/** The line of `check` (and object), as printed: status, check, message. */
const line = (stdout: string, check: string, object?: string) =>
  stdout
    .split('\n')
    .find(
      (l) =>
        l.slice(6, 18).trim() === check &&
        (object === undefined || l.slice(18).startsWith(`${object}:`) || l.slice(18).startsWith(`${object} (`)),
    );

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 9, records: 3, rateLimit: false });
  dir = await mkdtemp(path.join(tmpdir(), 'coupa-doctor-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => sim.control.clock.useRealTime());

describe('CLI: doctor', () => {
  it('passes against a working instance: one ok line per check, exit 0', async () => {
    const { code, stdout } = await doctor(['--host', sim.baseUrl, '--objects', 'invoices,suppliers,remit_to_addresses']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.slice(0, 18).replace(/\s+/g, ' ').trim())).toEqual([
      'ok host',
      'ok grant',
      'ok granted',
      'ok scope',
      'ok scope',
      'ok scope',
      'ok clock',
    ]);
    expect(line(stdout, 'host')).toContain(`${sim.baseUrl} answers like Coupa`);
    expect(line(stdout, 'scope', 'remit_to_addresses')).toContain('read works (core.supplier.read)');
    expect(stdout).not.toContain('sim-secret');
    // One limited read per object (the nested one under its parent's first record).
    const reads = sim.control.requests.filter((r) => r.path.startsWith('/api/'));
    expect(reads.every((r) => r.query.limit === '1' && r.query.return_object === 'limited')).toBe(true);
  });

  it('fails on a wrong client secret, naming the fix, and never prints the secret', async () => {
    const { code, stdout, stderr } = await doctor(['--host', sim.baseUrl, '--objects', 'invoices'], {
      COUPA_CLIENT_SECRET: 'not-the-secret-42',
    });
    expect(code).toBe(1);
    expect(line(stdout, 'host')).toMatch(/^ok/);
    expect(line(stdout, 'grant')).toMatch(
      /^FAIL\s+grant\s+wrong client id or secret \(invalid_client\): copy both again from Setup > Integrations/,
    );
    expect(line(stdout, 'scope', 'invoices')).toMatch(/^skip/);
    expect(stdout + stderr).not.toContain('not-the-secret-42');
  });

  it('fails on an unreachable host (a closed loopback port), naming it', async () => {
    const port = await closedPort();
    const { code, stdout } = await doctor(['--host', `http://127.0.0.1:${port}`, '--objects', 'invoices']);
    expect(code).toBe(1);
    expect(line(stdout, 'host')).toBe(
      `FAIL  host        127.0.0.1:${port} refused the connection (ECONNREFUSED): nothing listens there; check the host and port`,
    );
    expect(line(stdout, 'grant')).toMatch(/^skip/);
  });

  it('fails on a host that does not answer like Coupa, without sending it the client secret', async () => {
    const bodies: string[] = [];
    const site = await serve((_req, res, body) => {
      bodies.push(body);
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>Welcome</html>');
    });
    const redirecting = await serve((_req, res, body) => {
      bodies.push(body);
      res.writeHead(307, { Location: `${sim.baseUrl}/oauth2/token?next=x` }).end();
    });
    try {
      const html = await doctor(['--host', site.url, '--objects', 'invoices']);
      expect(html.code).toBe(1);
      expect(line(html.stdout, 'host')).toMatch(/does not answer like Coupa: POST \/oauth2\/token gave HTTP 200 \(text\/html\)/);
      const redirect = await doctor(['--host', redirecting.url, '--objects', 'invoices']);
      expect(redirect.code).toBe(1);
      expect(line(redirect.stdout, 'host')).toContain(
        `redirects /oauth2/token to ${sim.baseUrl}/oauth2/token (HTTP 307): not a Coupa API host`,
      );
      expect(bodies.length).toBeGreaterThan(0);
      expect(bodies.join('\n')).not.toContain('sim-secret');
    } finally {
      await Promise.all([site.close(), redirecting.close()]);
    }
  });

  it('names missing scopes: what the token lacks, and the 403 on the object’s read', async () => {
    const file = path.join(dir, 'invoices-only.json');
    await writeFile(
      file,
      JSON.stringify({ host: sim.baseUrl, clientId: 'sim-client', clientSecret: 'sim-secret', scopes: ['core.invoice.read'] }),
    );
    sim.control.resetRequestLog();
    const { code, stdout } = await doctor(['--credentials', file, '--objects', 'invoices,suppliers']);
    expect(code).toBe(1);
    expect(line(stdout, 'granted')).toMatch(
      /^FAIL\s+granted\s+token lacks core\.supplier\.read \(suppliers\): tick it on the OAuth client/,
    );
    expect(line(stdout, 'granted')).toContain(`add core.supplier.read to "scopes" in ${file}`);
    expect(line(stdout, 'scope', 'invoices')).toMatch(/^ok/);
    expect(line(stdout, 'scope', 'suppliers')).toBe(
      `FAIL  scope       suppliers: add scope core.supplier.read to the OAuth client and to "scopes" in ${file} (HTTP 403 on GET /api/suppliers)`,
    );
    // The simulator enforced the scope: the read itself was refused.
    expect(sim.control.requests.find((r) => r.path === '/api/suppliers')?.status).toBe(403);
  });

  it('names a dead refresh token: run `auth login` again', async () => {
    const redirectUri = 'http://127.0.0.1:9/callback';
    const settings = {
      host: sim.baseUrl,
      clientId: 'sim-client',
      clientSecret: 'sim-secret',
      scopes: ['core.invoice.read', 'offline_access'],
    };
    const token = await exchangeAuthorizationCode(settings, sim.control.issueAuthorizationCode(settings.scopes, redirectUri), redirectUri);
    const file = path.join(dir, 'auth-code.json');
    await writeFile(file, JSON.stringify({ ...settings, grantType: 'authorization_code', refreshToken: token.refreshToken }), {
      mode: 0o600,
    });

    const first = await doctor(['--credentials', file, '--objects', 'invoices']);
    expect(first.code).toBe(0);
    // The check refreshed the token like the connector does, and kept the rotated refresh token.
    const rotated = (JSON.parse(await readFile(file, 'utf8')) as { refreshToken: string }).refreshToken;
    expect(rotated).not.toBe(token.refreshToken);
    expect(first.stdout).not.toContain(rotated);

    sim.control.revokeTokens();
    const { code, stdout } = await doctor(['--credentials', file, '--objects', 'invoices']);
    expect(code).toBe(1);
    expect(line(stdout, 'grant')).toBe('FAIL  grant       refresh token expired or revoked (invalid_grant): run `auth login` again');
  });

  it('warns about clock skew without failing, and explains what it means for lagSeconds', async () => {
    sim.control.clock.advance(5 * 60_000); // keeps running, 5 minutes ahead
    const { code, stdout } = await doctor(['--host', sim.baseUrl, '--objects', 'invoices']);
    expect(code).toBe(0);
    expect(line(stdout, 'clock')).toMatch(
      /^WARN\s+clock\s+Coupa's clock is (299|300|301) s ahead of this machine's: pollers take their horizon from Coupa's Date header, so lagSeconds need not cover this/,
    );
  });

  it('--json prints the report as JSON', async () => {
    const { code, stdout } = await doctor(['--host', sim.baseUrl, '--objects', 'invoices', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; checks: { check: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.check)).toEqual(['host', 'grant', 'granted', 'scope', 'clock']);
  });

  it('rejects an unknown object as a usage error', async () => {
    const { code, stderr } = await doctor(['--host', sim.baseUrl, '--objects', 'invoicez']);
    expect(code).toBe(2);
    expect(JSON.parse(stderr.trim().split('\n')[0]!)).toMatchObject({
      errorMessage: expect.stringContaining('Unknown Coupa object "invoicez"'),
    });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function serve(
  handle: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: string) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
