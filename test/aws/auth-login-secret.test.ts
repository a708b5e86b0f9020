// `auth login --secret-id`: the CLI (package bin, child process) writes the credentials into a Secrets
// Manager secret on moto, found through the SDK's own AWS_ENDPOINT_URL; the stored refresh token then
// works for the deployed side's parser and token request.
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { requestToken } from '../../shared/coupa/auth';
import { startSimulator, type Simulator } from '../../shared/simulator';
import { CREDENTIALS_PLACEHOLDER, parseCredentials } from '../../shared/tokens/credentials';
import { openInBrowser, startLogin } from '../support/auth-login';
import { cliError, userEnv as loginEnv } from '../support/cli';
import { MOTO_ACCOUNT, MOTO_REGION, motoLambdaEnvironment, secretsManagerClient, uniqueName } from '../support/moto/clients';

const CLIENT_SECRET = 'sim-secret-login-to-secret-91e2';
const sm = secretsManagerClient();
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, records: 3, rateLimit: false, clientSecret: CLIENT_SECRET });
});
afterAll(async () => {
  await sim.close();
});

// No AWS_REGION: the region comes from the ARN.
const env = () => {
  const base = loginEnv({ ...motoLambdaEnvironment(), COUPA_CLIENT_ID: 'sim-client', COUPA_CLIENT_SECRET: CLIENT_SECRET });
  delete base.AWS_REGION;
  delete base.AWS_DEFAULT_REGION;
  return base;
};
const loginTo = (secretId: string) =>
  startLogin(['--host', sim.baseUrl, '--objects', 'invoices', '--no-browser', '--port', '0', '--secret-id', secretId], env());
const createSecret = async (value: unknown) =>
  (await sm.send(new CreateSecretCommand({ Name: uniqueName('coupa-credentials'), SecretString: JSON.stringify(value) }))).ARN!;
const readSecret = async (arn: string) =>
  JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!) as unknown;

describe('CLI: auth login --secret-id', () => {
  it('replaces the stack’s placeholder with authorization-code credentials that refresh', async () => {
    // What CoupaConnector deploys.
    const arn = await createSecret({ clientId: CREDENTIALS_PLACEHOLDER, scopes: [] });
    const running = loginTo(arn);
    expect((await openInBrowser(await running.url)).status).toBe(200);
    const { code, stdout, stderr } = await running.done;
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`stored in secret ${arn}`) });

    const stored = parseCredentials(arn, await readSecret(arn));
    expect(stored).toEqual({
      host: sim.baseUrl,
      grantType: 'authorization_code',
      clientId: 'sim-client',
      clientSecret: CLIENT_SECRET,
      scopes: ['core.common.read', 'offline_access', 'core.invoice.read', 'core.invoice.write'],
      refreshToken: expect.any(String),
    });
    for (const secret of [CLIENT_SECRET, stored.refreshToken!]) expect(stdout + stderr).not.toContain(secret);
    // What the token-refresh function does with it.
    const token = await requestToken(stored);
    expect(token.scopes).toEqual(expect.arrayContaining(['core.invoice.read', 'core.invoice.write']));
  });

  it('refuses a secret that holds another host’s credentials before anyone signs in', async () => {
    const arn = await createSecret({
      host: 'https://other.coupahost.com',
      grantType: 'client_credentials',
      clientId: 'x',
      clientSecret: 'y',
    });
    const { code, stdout, stderr } = await loginTo(arn).done;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(cliError(stderr).errorMessage).toContain('holds the credentials of another host (https://other.coupahost.com)');
    expect(await readSecret(arn)).toMatchObject({ host: 'https://other.coupahost.com', clientId: 'x' });
  });

  it('names a secret that does not exist before anyone signs in', async () => {
    const arn = `arn:aws:secretsmanager:${MOTO_REGION}:${MOTO_ACCOUNT}:secret:${uniqueName('missing')}-AbCdEf`;
    const { code, stdout, stderr } = await loginTo(arn).done;
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(cliError(stderr)).toMatchObject({ errorType: 'Tokens.SecretNotFound', errorMessage: expect.stringContaining(arn) });
  });
});
