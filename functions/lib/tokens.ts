// Token wiring shared by handlers: the secrets named by the construct's environment
// (CoupaConnector.tokenEnvironment), Secrets Manager as the store, and Coupa's token endpoint.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/SecretsManagerSecretStore';
import { CoupaClient, type CoupaClientOptions } from '../../shared/coupa';
import { requestToken } from '../../shared/coupa/auth';
import type { SecretStore } from '../../shared/tokens/SecretStore';
import { parseCredentials } from '../../shared/tokens/credentials';
import type { GrantType } from '../../shared/tokens/credentials';
import type { RefreshDeps, TokenLogger } from '../../shared/tokens/refresh-stored-token';
import { StoredTokenProvider } from '../../shared/tokens/StoredTokenProvider';
import { requiredEnv } from './env';

export interface TokenSecretsConfig {
  readonly credentialsSecretId: string;
  readonly tokenSecretId: string;
  readonly defaultHost?: string;
  /** Scopes to request when the credentials secret lists none (the stack's required scopes). */
  readonly defaultScopes?: readonly string[];
  readonly expectedGrantType?: GrantType;
}

/** Reads CREDENTIALS_SECRET_ARN, TOKEN_SECRET_ARN and the optional COUPA_HOST, COUPA_GRANT_TYPE, COUPA_SCOPES (space-separated). */
export function tokenSecretsFromEnv(): TokenSecretsConfig {
  const grant = process.env.COUPA_GRANT_TYPE;
  if (grant && grant !== 'client_credentials' && grant !== 'authorization_code') {
    throw new Error('environment variable COUPA_GRANT_TYPE must be client_credentials or authorization_code');
  }
  const scopes = process.env.COUPA_SCOPES?.split(/\s+/).filter(Boolean) ?? [];
  return {
    credentialsSecretId: requiredEnv('CREDENTIALS_SECRET_ARN'),
    tokenSecretId: requiredEnv('TOKEN_SECRET_ARN'),
    ...(process.env.COUPA_HOST ? { defaultHost: process.env.COUPA_HOST } : {}),
    ...(grant ? { expectedGrantType: grant as GrantType } : {}),
    ...(scopes.length > 0 ? { defaultScopes: scopes } : {}),
  };
}

/** Secrets Manager (default SDK config: region, credentials, AWS_ENDPOINT_URL_*) + Coupa's token endpoint. */
export function awsTokenDeps(logger?: TokenLogger, client = new SecretsManagerClient({})): RefreshDeps {
  return { secrets: new SecretsManagerSecretStore(client), requestToken, ...(logger ? { logger } : {}) };
}

/** The TokenProvider a poller or action hands to the Coupa client; build once at module scope. */
export function storedTokenProviderFromEnv(logger?: TokenLogger): StoredTokenProvider {
  return new StoredTokenProvider(awsTokenDeps(logger), tokenSecretsFromEnv());
}

/**
 * A Coupa client for the host the token is minted for (the credentials secret's `host`, else
 * COUPA_HOST), with the stored token. Built on first use and kept for the container's life; a failed
 * build (e.g. the credentials secret still holds placeholders) is not kept, so the next call retries.
 */
export function lazyCoupaClient(
  tokens: TokenSecretsConfig,
  logger?: TokenLogger,
  options: Pick<CoupaClientOptions, 'onRetry'> = {},
  secrets: SecretStore = new SecretsManagerSecretStore(new SecretsManagerClient({})),
): () => Promise<CoupaClient> {
  const tokenProvider = new StoredTokenProvider({ secrets, requestToken, ...(logger ? { logger } : {}) }, tokens);
  return once(async () => {
    const { host } = parseCredentials(tokens.credentialsSecretId, await secrets.getJson(tokens.credentialsSecretId), tokens.defaultHost);
    return new CoupaClient({ host, tokenProvider, ...options });
  });
}

/** A value built on first use and kept; a failed build is forgotten, so the next call tries again. */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
