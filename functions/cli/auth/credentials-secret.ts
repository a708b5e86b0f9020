// `auth login --secret-id`: the deployed stack's credentials secret through the Secrets Manager
// adapter. The SDK loads only when a secret is named; it uses its default configuration (credentials,
// AWS_ENDPOINT_URL*), with the region taken from the ARN when there is one.
import { resolveHost } from '../../../shared/coupa';
import type { SecretStore } from '../../../shared/tokens/SecretStore';
import { UsageError } from '../usage';

export function secretsManagerStore(secretId: string): SecretStore {
  // require, not import(): the package bin runs under tsx's CommonJS hook (see main.ts).
  const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  const { SecretsManagerSecretStore } =
    require('../../../shared/adapters/aws/SecretsManagerSecretStore') as typeof import('../../../shared/adapters/aws/SecretsManagerSecretStore');
  const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
  return new SecretsManagerSecretStore(new SecretsManagerClient(region ? { region } : {}));
}

/**
 * Checks, before anyone signs in, that the secret exists, is readable JSON and, if it names a host,
 * names this one: a typo in the ARN must not cost the person a spent authorization code.
 */
export async function checkCredentialsSecret(store: SecretStore, secretId: string, host: string): Promise<void> {
  const current = await store.getJson(secretId);
  const named = typeof current === 'object' && current !== null ? (current as { host?: unknown }).host : undefined;
  if (typeof named === 'string' && named !== '' && !sameHost(named, host)) {
    throw new UsageError(`secret ${secretId} holds the credentials of another host (${hostOf(named)}): check --secret-id and --host`);
  }
}

const hostOf = (host: string) => {
  try {
    return resolveHost(host).baseUrl;
  } catch {
    return 'an invalid host';
  }
};
const sameHost = (a: string, b: string) => hostOf(a) === hostOf(b);
