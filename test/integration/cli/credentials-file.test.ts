// `--credentials FILE` on poll and invoke, through the package bin against the simulator: either grant,
// the rotated refresh token kept in the file, and the API-key message.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exchangeAuthorizationCode } from '../../../shared/coupa';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { cli as runOk, cliError as errorOf, runCli, userEnv } from '../../support/cli';

// No client in the environment: everything comes from the file.

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, records: 5, rateLimit: false });
  dir = await mkdtemp(path.join(tmpdir(), 'coupa-credentials-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runOk(args, { env: userEnv(extraEnv) });
const failure = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
  const result = await runCli(args, { env: userEnv(extraEnv) });
  if (result.code === 0) throw new Error('the command succeeded');
  return result;
};

async function authorizationCodeFile(name: string): Promise<{ file: string; refreshToken: string }> {
  const settings = {
    host: sim.baseUrl,
    clientId: 'sim-client',
    clientSecret: 'sim-secret',
    scopes: ['core.supplier.read', 'core.supplier.write', 'offline_access'],
  };
  const redirectUri = 'http://127.0.0.1:9/callback';
  const token = await exchangeAuthorizationCode(settings, sim.control.issueAuthorizationCode(settings.scopes, redirectUri), redirectUri);
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify({ ...settings, grantType: 'authorization_code', refreshToken: token.refreshToken }), {
    mode: 0o600,
  });
  return { file, refreshToken: token.refreshToken! };
}

describe('CLI: --credentials FILE', () => {
  it('client credentials: poll takes host and client from the file', async () => {
    const file = path.join(dir, 'client.json');
    await writeFile(
      file,
      JSON.stringify({ host: sim.baseUrl, grantType: 'client_credentials', clientId: 'sim-client', clientSecret: 'sim-secret' }),
    );
    const out = path.join(dir, 'suppliers.jsonl');
    await cli([
      'poll',
      '--object',
      'suppliers',
      '--credentials',
      file,
      '--state-dir',
      path.join(dir, 'state-cc'),
      '--out',
      out,
      '--since',
      '2000-01-01T00:00:00Z',
      '--lag-seconds',
      '0',
      '--quiet',
    ]);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      Source: 'coupa.local',
      DetailType: expect.stringMatching(/^Coupa Supplier (Created|Updated)$/),
    });
  });

  it('authorization code: each run refreshes with the stored refresh token and writes the rotated one back (0600)', async () => {
    const { file, refreshToken: first } = await authorizationCodeFile('auth-code.json');
    const out = path.join(dir, 'auth-code.jsonl');
    const poll = () =>
      cli([
        'poll',
        '--object',
        'suppliers',
        '--credentials',
        file,
        '--state-dir',
        path.join(dir, 'state-ac'),
        '--out',
        out,
        '--since',
        '2000-01-01T00:00:00Z',
        '--lag-seconds',
        '0',
        '--quiet',
      ]);
    await poll();
    const second = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first); // rotated: the first one is spent
    expect(second).toMatchObject({
      host: sim.baseUrl,
      grantType: 'authorization_code',
      clientId: 'sim-client',
      clientSecret: 'sim-secret',
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // A second run works only with the rotated token (the simulator's refresh tokens are single use).
    await poll();
    const third = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(third.refreshToken).not.toBe(second.refreshToken);
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(5);
  });

  it('invoke uses the file’s client, --host optional', async () => {
    const { file } = await authorizationCodeFile('invoke.json');
    const { stdout } = await cli(['invoke', 'get', '--credentials', file, '--input', '{"object":"suppliers","id":1}']);
    expect(JSON.parse(stdout)).toMatchObject({ object: 'suppliers', id: 1 });
  });

  it('a --host that is not the file’s host is refused before anything is sent', async () => {
    const { file } = await authorizationCodeFile('other-host.json');
    sim.control.resetRequestLog();
    const e = await failure(['invoke', 'get', '--host', 'acme', '--credentials', file, '--input', '{"object":"suppliers","id":1}']);
    expect(e.code).toBe(2);
    expect(errorOf(e.stderr).errorMessage).toContain('is not the host of');
    expect(sim.control.requests).toEqual([]);
  });

  it('a missing or malformed file is named, its content never echoed', async () => {
    const missing = await failure([
      'invoke',
      'get',
      '--credentials',
      path.join(dir, 'nope.json'),
      '--input',
      '{"object":"suppliers","id":1}',
    ]);
    expect(errorOf(missing.stderr).errorMessage).toMatch(/nope\.json: cannot read it \(ENOENT\); create it with `auth login`/);
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ host: sim.baseUrl, clientId: 'sim-client', clientSecret: 42, refreshToken: 'do-not-echo' }));
    const e = await failure(['invoke', 'get', '--credentials', bad, '--input', '{"object":"suppliers","id":1}']);
    expect(errorOf(e.stderr).errorMessage).toContain('clientSecret must be a non-empty string');
    expect(e.stderr).not.toContain('do-not-echo');
  });

  it('an API key alone (environment or file) gets the OAuth 2.0 message', async () => {
    const fromEnv = await failure(['invoke', 'get', '--host', sim.baseUrl, '--input', '{"object":"suppliers","id":1}'], {
      COUPA_API_KEY: 'k3y-v4lue',
    });
    expect(errorOf(fromEnv.stderr).errorMessage).toMatch(
      /Coupa no longer supports API keys .* OAuth 2\.0 client .* Setup > Integrations > OAuth2\/OpenID Connect Clients/,
    );
    expect(fromEnv.stderr).not.toContain('k3y-v4lue');
    const file = path.join(dir, 'api-key.json');
    await writeFile(file, JSON.stringify({ host: sim.baseUrl, apiKey: 'k3y-v4lue' }));
    const fromFile = await failure(['invoke', 'get', '--credentials', file, '--input', '{"object":"suppliers","id":1}']);
    expect(errorOf(fromFile.stderr).errorMessage).toContain('Coupa no longer supports API keys');
    expect(fromFile.stderr).not.toContain('k3y-v4lue');
  });
});
