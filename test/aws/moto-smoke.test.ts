import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secretsManagerClient, uniqueName } from '../support/moto/clients';

test('moto answers Secrets Manager calls', async () => {
  const sm = secretsManagerClient();
  const name = uniqueName('smoke');
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: '{"a":1}' }));
  const got = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  expect(got.SecretString).toBe('{"a":1}');
});
