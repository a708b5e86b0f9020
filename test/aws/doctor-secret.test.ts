// `doctor --secret-id`: the deployed check, reading a stack's credentials secret from Secrets Manager
// (moto) with the caller's AWS credentials, against the simulator; a rotated refresh token goes back
// into the secret with the other fields kept.
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { exchangeAuthorizationCode } from '../../shared/coupa';
import { startSimulator, type Simulator } from '../../shared/simulator';
import { runCli, userEnv } from '../support/cli';
import { motoLambdaEnvironment, secretsManagerClient, uniqueName } from '../support/moto/clients';

const doctor = (args: string[]) => runCli(['doctor', ...args], { env: userEnv(motoLambdaEnvironment()) });

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 4, records: 3, rateLimit: false });
});
afterAll(() => sim.close());

async function secretHolding(value: Record<string, unknown>): Promise<string> {
  const out = await secretsManagerClient().send(new CreateSecretCommand({ Name: uniqueName('doctor'), SecretString: JSON.stringify(value) }));
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
    expect(stdout).toContain('FAIL  scope       suppliers: add scope core.supplier.read to the OAuth client and to "scopes" in the credentials secret (HTTP 403 on GET /api/suppliers)');
  });

  it('authorization code: the rotated refresh token is written back to the secret, other fields kept', async () => {
    const redirectUri = 'http://127.0.0.1:9/callback';
    const settings = { host: sim.baseUrl, clientId: 'sim-client', clientSecret: 'sim-secret', scopes: ['core.invoice.read', 'offline_access'] };
    const token = await exchangeAuthorizationCode(settings, sim.control.issueAuthorizationCode(settings.scopes, redirectUri), redirectUri);
    const arn = await secretHolding({ ...settings, grantType: 'authorization_code', refreshToken: token.refreshToken, note: 'kept' });
    const { code, stdout } = await doctor(['--secret-id', arn, '--objects', 'invoices']);
    expect(code).toBe(0);
    const stored = JSON.parse((await secretsManagerClient().send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!) as Record<string, unknown>;
    expect(stored).toMatchObject({ ...settings, grantType: 'authorization_code', note: 'kept' });
    expect(stored.refreshToken).toEqual(expect.any(String));
    expect(stored.refreshToken).not.toBe(token.refreshToken);
    expect(stdout).not.toContain(stored.refreshToken as string);
  });
});
