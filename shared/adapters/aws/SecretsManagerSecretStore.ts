// SecretStore on AWS Secrets Manager. The only module importing @aws-sdk/client-secrets-manager; it
// only translates: ResourceNotFound → SecretNotFoundError, non-JSON → SecretFormatError (without the
// parser's message, which can quote the secret).
import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretFormatError, SecretNotFoundError } from '../../tokens/errors';
import type { SecretStore } from '../../tokens/SecretStore';

export class SecretsManagerSecretStore implements SecretStore {
  constructor(private readonly client: SecretsManagerClient) {}

  async getJson(id: string): Promise<unknown> {
    let text: string | undefined;
    try {
      text = (await this.client.send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
    } catch (e) {
      throw translate(e, id);
    }
    if (text === undefined) throw new SecretFormatError(id, 'has no string value (binary secrets are not supported)');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SecretFormatError(id, 'is not valid JSON');
    }
  }

  async putJson(id: string, value: unknown): Promise<void> {
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId: id, SecretString: JSON.stringify(value) }));
    } catch (e) {
      throw translate(e, id);
    }
  }
}

function translate(e: unknown, id: string): unknown {
  // SDK errors describe the request (never the secret value), so keeping them as cause is safe.
  if ((e as { name?: string } | null)?.name === 'ResourceNotFoundException') return new SecretNotFoundError(id, { cause: e });
  return e;
}
