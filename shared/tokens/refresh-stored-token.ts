// Use case: make sure the token secret holds an access token valid for a while longer, minting a new
// one from the credentials secret when needed. Shared by the scheduled function, the 401 path
// (StoredTokenProvider) and tests.
import type { AccessToken, OAuthSettings } from '../coupa/auth';
import { parseCredentials, type GrantType } from './credentials';
import { InvalidCredentialsError, SecretFormatError, SecretNotFoundError } from './errors';
import type { SecretStore } from './SecretStore';
import { parseStoredToken, validFor, type StoredToken } from './stored-token';

/** Mints a token at Coupa's token endpoint (the Coupa client's `requestToken`). */
export type RequestToken = (settings: OAuthSettings) => Promise<AccessToken>;

/** What the use case logs; Powertools' Logger fits. Never receives a secret value. */
export interface TokenLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface RefreshDeps {
  readonly secrets: SecretStore;
  readonly requestToken: RequestToken;
  /** @default Date.now */
  readonly now?: () => number;
  readonly logger?: TokenLogger;
}

export interface RefreshInput {
  readonly credentialsSecretId: string;
  readonly tokenSecretId: string;
  /** Refresh when the stored token expires within this many ms. */
  readonly minValidityMs: number;
  /** Refresh even when the stored token is still valid. @default false */
  readonly force?: boolean;
  /**
   * A token Coupa just rejected (401): refresh unless the stored token is already a different,
   * still-valid one (another invocation refreshed first), so a burst of 401s costs one refresh.
   */
  readonly rejectedAccessToken?: string;
  /** Host used when the credentials secret has none (the stack's configured host). */
  readonly defaultHost?: string;
  /**
   * Scopes requested when the credentials secret lists none (missing or empty): the stack's
   * `requiredScopes`, computed from its configuration.
   */
  readonly defaultScopes?: readonly string[];
  /**
   * The grant type the deployment is configured (and permitted) for. A secret asking for another one
   * is refused before any token is minted: a rotated refresh token we may not store would be lost.
   */
  readonly expectedGrantType?: GrantType;
}

export interface RefreshResult {
  /** True when a new token was minted by this call. */
  readonly refreshed: boolean;
  /** The token now stored. Secret: callers must not log or return it. */
  readonly token: StoredToken;
}

/**
 * Refreshes the stored Coupa access token when it is missing, about to expire, rejected or `force`d.
 * For authorization-code grants the rotated refresh token is written to the credentials secret
 * before the access token, so a crash in between never loses the only valid refresh token.
 *
 * @example
 * const { refreshed } = await refreshStoredToken({ secrets, requestToken },
 *   { credentialsSecretId, tokenSecretId, minValidityMs: 6 * 3600_000 });
 */
export async function refreshStoredToken(deps: RefreshDeps, input: RefreshInput): Promise<RefreshResult> {
  const now = deps.now ?? Date.now;
  if (!input.force) {
    const stored = await readStoredToken(deps.secrets, input.tokenSecretId);
    const rejected = stored !== undefined && stored.accessToken === input.rejectedAccessToken;
    if (stored && !rejected && validFor(stored, input.minValidityMs, now())) {
      deps.logger?.info('stored token still valid; not refreshing', { expiresAt: new Date(stored.expiresAt).toISOString() });
      return { refreshed: false, token: stored };
    }
  }

  const rawCredentials = await deps.secrets.getJson(input.credentialsSecretId);
  const credentials = parseCredentials(input.credentialsSecretId, rawCredentials, input.defaultHost);
  if (input.expectedGrantType && credentials.grantType !== input.expectedGrantType) {
    throw new InvalidCredentialsError(input.credentialsSecretId, [
      `grantType is ${credentials.grantType} but the deployment is configured for ${input.expectedGrantType} (CoupaConnector grantType prop)`,
    ]);
  }
  const scopes = credentials.scopes?.length ? credentials.scopes : input.defaultScopes;
  const minted = await deps.requestToken({ ...credentials, ...(scopes ? { scopes: [...scopes] } : {}) });

  if (
    credentials.grantType === 'authorization_code' &&
    minted.refreshToken &&
    minted.refreshToken !== credentials.refreshToken
  ) {
    // Keep every other field the user stored; only the refresh token rotates.
    await deps.secrets.putJson(input.credentialsSecretId, {
      ...(rawCredentials as Record<string, unknown>),
      refreshToken: minted.refreshToken,
    });
    deps.logger?.info('stored rotated refresh token');
  }

  const token: StoredToken = {
    accessToken: minted.accessToken,
    tokenType: minted.tokenType,
    expiresAt: minted.expiresAt,
    scopes: minted.scopes,
  };
  await deps.secrets.putJson(input.tokenSecretId, token);
  deps.logger?.info('stored new access token', {
    expiresAt: new Date(token.expiresAt).toISOString(),
    scopes: token.scopes,
  });
  return { refreshed: true, token };
}

/** The stored token, or undefined when the secret has no value or holds anything else. */
export async function readStoredToken(secrets: SecretStore, tokenSecretId: string): Promise<StoredToken | undefined> {
  try {
    return parseStoredToken(await secrets.getJson(tokenSecretId));
  } catch (e) {
    // The token secret is only a cache: no value yet or garbage reads as "no token" and gets
    // overwritten. A secret that truly does not exist is reported when we write it.
    if (e instanceof SecretNotFoundError || e instanceof SecretFormatError) return undefined;
    throw e;
  }
}
