// `doctor --secret-id`: the deployed check, reading a stack's credentials secret from Secrets Manager
// (moto) with the caller's AWS credentials, against the simulator; for authorization-code grants it asks
// the stack's token-refresh function (the real handler, in this process, behind a loopback Lambda front).
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { exchangeAuthorizationCode } from '../../shared/coupa';
import { startSimulator, type Simulator } from '../../shared/simulator';
import { runCli, userEnv } from '../support/cli';
import { motoLambdaEnvironment, secretsManagerClient, uniqueName } from '../support/moto/clients';
import { startTokenRefresher, TOKEN_REFRESH_FUNCTION } from '../support/token-refresher';

const doctor = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(['doctor', ...args], { env: userEnv({ ...motoLambdaEnvironment(), ...extraEnv }) });

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 4, records: 3, rateLimit: false });
});
afterAll(() => sim.close());

async function secretHolding(value: Record<string, unknown>): Promise<string> {
  const out = await secretsManagerClient().send(
    new CreateSecretCommand({ Name: uniqueName('doctor'), SecretString: JSON.stringify(value) }),
  );
  return out.ARN!;
}

describe('doctor --secret-id (deployed credentials)', () => {
  it('passes with the stored client; empty scopes mean the objects’ scopes, as the deployed functions request them', async () => {
    const arn = await secretHolding({ clientId: 'sim-client', clientSecret: 'sim-secret', scopes: [] });
    // No host in the secret: --host plays the stack's host prop.
    const { code, stdout } = await doctor(['--secret-id', arn, '--host', sim.baseUrl, '--objects', 'invoices,suppliers']);
    expect(stdout).not.toContain('sim-secret');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok\s+granted\s+token scopes cover core\.common\.read core\.invoice\.read core\.supplier\.read$/m);
  });

  it('fails on the placeholder the stack starts with, naming the fix', async () => {
    const arn = await secretHolding({ clientId: 'REPLACE_ME', clientSecret: 'generated', scopes: [] });
    const failure = await doctor(['--secret-id', arn, '--host', sim.baseUrl]);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('clientId still holds the placeholder REPLACE_ME');
    expect(failure?.stderr).not.toContain('generated');
  });

  it('a missing scope in the secret fails on the object that needs it', async () => {
    const arn = await secretHolding({ host: sim.baseUrl, clientId: 'sim-client', clientSecret: 'sim-secret', scopes: 'core.invoice.read' });
    const { code, stdout } = await doctor(['--secret-id', arn, '--objects', 'invoices,suppliers']);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'FAIL  scope       suppliers: add scope core.supplier.read to the OAuth client and to "scopes" in the credentials secret (HTTP 403 on GET /api/suppliers)',
    );
  });

  it("authorization code: doctor asks the stack's token-refresh function, which alone spends and stores the refresh token", async () => {
    const redirectUri = 'http://127.0.0.1:9/callback';
    const settings = {
      host: sim.baseUrl,
      clientId: 'sim-client',
      clientSecret: 'sim-secret',
      scopes: ['core.invoice.read', 'offline_access'],
    };
    const token = await exchangeAuthorizationCode(settings, sim.control.issueAuthorizationCode(settings.scopes, redirectUri), redirectUri);
    const arn = await secretHolding({ ...settings, grantType: 'authorization_code', refreshToken: token.refreshToken, note: 'kept' });
    const tokenArn = await secretHolding({ placeholder: 'x' });
    const refresher = await startTokenRefresher({
      CREDENTIALS_SECRET_ARN: arn,
      TOKEN_SECRET_ARN: tokenArn,
      COUPA_GRANT_TYPE: 'authorization_code',
    });
    try {
      // Without the refresher, doctor refuses rather than race it for the single-use refresh token.
      sim.control.resetRequestLog();
      const refused = await doctor(['--secret-id', arn, '--objects', 'invoices']);
      expect(refused.code).not.toBe(0);
      expect((refused as unknown as { stderr: string }).stderr).toContain('--refresh-function NAME --token-secret-id ARN');
      expect(sim.control.requests.filter((r) => r.path === '/oauth2/token')).toHaveLength(0);

      const { code, stdout } = await doctor(
        ['--secret-id', arn, '--refresh-function', TOKEN_REFRESH_FUNCTION, '--token-secret-id', tokenArn, '--objects', 'invoices'],
        { AWS_ENDPOINT_URL_LAMBDA: refresher.front.endpoint },
      );
      expect(code).toBe(0);
      expect(stdout).toMatch(/^ok\s+grant\s+refresh token works: the token-refresh function refreshed/m);
      expect(refresher.front.invocations.map((i) => JSON.parse(i.rawPayload))).toEqual([{ force: true }]);
      const stored = JSON.parse((await secretsManagerClient().send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!) as Record<
        string,
        unknown
      >;
      expect(stored).toMatchObject({ ...settings, grantType: 'authorization_code', note: 'kept' });
      expect(stored.refreshToken).not.toBe(token.refreshToken);
      expect(stdout).not.toContain(stored.refreshToken as string);
    } finally {
      await refresher.front.close();
    }
  });
});
