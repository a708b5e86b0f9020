// Use case of the token-refresh function, the only writer of both secrets: make sure the token secret
// holds an access token valid for a while longer, minting a new one from the credentials secret when
// needed, one refresh at a time (a lease), with the rotated refresh token stored before anything else.
import { randomUUID } from 'node:crypto';
import type { AccessToken, OAuthSettings } from '../coupa/auth';
import type { Logger } from '../logger';
import { parseCredentials, type Credentials, type GrantType } from './credentials';
import {
  InvalidCredentialsError,
  RefreshTokenNotStoredError,
  SecretFormatError,
  SecretNotFoundError,
  TokenRefreshBusyError,
} from './errors';
import type { RefreshLease } from './RefreshLease';
import { LEASE_MS, LEASE_WAIT_MS, TOKEN_REQUEST_BUDGET_MS } from './refresh-timing';
import type { SecretStore } from './SecretStore';
import { storeWithRetry, type StoreRetryOptions } from './store-with-retry';
import { parseStoredToken, validFor, type StoredToken } from './stored-token';
import { tokenFingerprint } from './token-fingerprint';

/** Mints a token at Coupa's token endpoint (the Coupa client's `requestToken`, with its timeouts). */
export type RequestToken = (settings: OAuthSettings, options?: { readonly signal?: AbortSignal }) => Promise<AccessToken>;

export interface RefreshDeps {
  readonly secrets: SecretStore;
  readonly requestToken: RequestToken;
  readonly lease: RefreshLease;
  /** This refresher's name in the lease. @default a random UUID per call */
  readonly owner?: string;
  /** @default Date.now */
  readonly now?: () => number;
  /** Waits between lease polls and store retries. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: Logger;
}

export interface RefreshInput {
  readonly credentialsSecretId: string;
  readonly tokenSecretId: string;
  /** Refresh when the stored token expires within this many ms. */
  readonly minValidityMs: number;
  /**
   * Refresh even when the stored token is still valid, unless another refresh replaced it while this
   * one waited for the lease. @default false
   */
  readonly force?: boolean;
  /**
   * Fingerprint (token-fingerprint) of a token Coupa just rejected (401): refresh unless the stored
   * token is already a different, unexpired one (another caller refreshed first), so a burst of 401s
   * costs one refresh.
   */
  readonly rejectedTokenSha256?: string;
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
  /** @default LEASE_MS */
  readonly leaseMs?: number;
  /** @default LEASE_WAIT_MS */
  readonly leaseWaitMs?: number;
  /** Retries of each secret write. */
  readonly storeRetry?: StoreRetryOptions;
}

export interface RefreshResult {
  /** True when a new token was minted by this call. */
  readonly refreshed: boolean;
  /** The token now stored. Secret: callers must not log or return it. */
  readonly token: StoredToken;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Refreshes the stored Coupa access token when it is missing, about to expire, rejected or `force`d.
 * Takes the lease first and looks at the stored token again under it: a refresh that another
 * refresher finished meanwhile is not repeated (with single-use refresh tokens, a second refresh with
 * the same refresh token would fail with invalid_grant). For authorization-code grants the rotated
 * refresh token is written to the credentials secret (retried) before the access token.
 *
 * @throws {TokenRefreshBusyError} when another refresh holds the lease for longer than `leaseWaitMs`.
 * @throws {RefreshTokenNotStoredError} after storing the access token, when the rotated refresh token
 *   could not be written to the credentials secret.
 * @example
 * const { refreshed } = await refreshStoredToken({ secrets, requestToken, lease },
 *   { credentialsSecretId, tokenSecretId, minValidityMs: 6 * 3600_000 });
 */
export async function refreshStoredToken(deps: RefreshDeps, input: RefreshInput): Promise<RefreshResult> {
  const now = deps.now ?? Date.now;
  const first = await readStoredToken(deps.secrets, input.tokenSecretId);
  if (!refreshReason(first, input, now())) return kept(deps, first!);

  const owner = deps.owner ?? randomUUID();
  await acquireLease(deps, input, owner);
  try {
    // Another refresher may have stored a new token while we read or waited: look again under the lease.
    const current = await readStoredToken(deps.secrets, input.tokenSecretId);
    const reason = refreshReason(current, input, now(), first);
    if (!reason) return kept(deps, current!);
    deps.logger?.info('refreshing the access token', { reason });
    return { refreshed: true, token: await mintAndStore(deps, input) };
  } finally {
    await deps.lease.release(owner).catch((error: unknown) => {
      // Harmless: the lease runs out by itself.
      deps.logger?.warn('could not release the token refresh lease', { error: (error as Error).name });
    });
  }
}

function kept(deps: RefreshDeps, token: StoredToken): RefreshResult {
  deps.logger?.info('stored token still good; not refreshing', { expiresAt: new Date(token.expiresAt).toISOString() });
  return { refreshed: false, token };
}

/**
 * Why the stored token must be replaced, or undefined to keep it. `seenBefore`: under the lease, the
 * token read before waiting for it; a forced refresh is satisfied by any refresh since.
 */
function refreshReason(stored: StoredToken | undefined, input: RefreshInput, nowMs: number, seenBefore?: StoredToken): string | undefined {
  if (!stored) return 'no stored token';
  if (!stored.host) return 'the stored token names no host';
  if (input.rejectedTokenSha256 !== undefined) {
    if (tokenFingerprint(stored.accessToken) === input.rejectedTokenSha256) return 'Coupa rejected the stored token';
    return validFor(stored, 0, nowMs) ? undefined : 'the stored token expired';
  }
  if (input.force) {
    const replacedMeanwhile = seenBefore !== undefined && seenBefore.accessToken !== stored.accessToken;
    return replacedMeanwhile ? undefined : 'forced';
  }
  return validFor(stored, input.minValidityMs, nowMs) ? undefined : 'the stored token expires soon';
}

async function acquireLease(deps: RefreshDeps, input: RefreshInput, owner: string): Promise<void> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const leaseMs = input.leaseMs ?? LEASE_MS;
  const waitMs = input.leaseWaitMs ?? LEASE_WAIT_MS;
  const giveUpAt = now() + waitMs;
  for (let poll = 0; ; poll++) {
    const at = now();
    if (await deps.lease.acquire(owner, at, at + leaseMs)) return;
    if (poll === 0) deps.logger?.info('another token refresh is running; waiting for it');
    if (now() >= giveUpAt) throw new TokenRefreshBusyError(waitMs);
    // A refresh takes a second or two: poll briskly at first, then back off.
    await sleep(Math.min(100 * 2 ** poll, 2_000, Math.max(0, giveUpAt - now())));
  }
}

async function mintAndStore(deps: RefreshDeps, input: RefreshInput): Promise<StoredToken> {
  const rawCredentials = await deps.secrets.getJson(input.credentialsSecretId);
  const credentials = parseCredentials(input.credentialsSecretId, rawCredentials, input.defaultHost);
  if (input.expectedGrantType && credentials.grantType !== input.expectedGrantType) {
    throw new InvalidCredentialsError(input.credentialsSecretId, [
      `grantType is ${credentials.grantType} but the deployment is configured for ${input.expectedGrantType} (CoupaConnector grantType prop)`,
    ]);
  }
  const rotating = credentials.grantType === 'authorization_code';
  const refreshToken = rotating ? await liveRefreshToken(deps, credentials) : undefined;
  const scopes = credentials.scopes?.length ? credentials.scopes : input.defaultScopes;
  const minted = await deps.requestToken(
    { ...credentials, ...(refreshToken ? { refreshToken } : {}), ...(scopes ? { scopes: [...scopes] } : {}) },
    { signal: AbortSignal.timeout(TOKEN_REQUEST_BUDGET_MS) },
  );

  // The refresh token to keep: the rotated one, else the one used (a pending one still has to reach the secret).
  const keep = minted.refreshToken ?? refreshToken;
  let notStored: RefreshTokenNotStoredError | undefined;
  if (rotating && keep && keep !== credentials.refreshToken) {
    notStored = await storeRefreshToken(
      deps,
      input,
      credentials,
      rawCredentials as Record<string, unknown>,
      keep,
      refreshToken !== credentials.refreshToken,
    );
  }

  const token: StoredToken = {
    accessToken: minted.accessToken,
    tokenType: minted.tokenType,
    expiresAt: minted.expiresAt,
    scopes: minted.scopes,
    host: credentials.host,
  };
  await storeWithRetry(() => deps.secrets.putJson(input.tokenSecretId, token), retryClock(deps, input.tokenSecretId), input.storeRetry);
  deps.logger?.info('stored new access token', { expiresAt: new Date(token.expiresAt).toISOString(), scopes: token.scopes });
  if (notStored) {
    deps.logger?.error(notStored.message, { error: notStored.name, kept: notStored.kept });
    throw notStored;
  }
  return token;
}

/**
 * The refresh token to use: the credentials secret's, or a newer one a failed store left in the lease
 * table, as long as the secret still holds the one it replaced (a later `auth login` wins).
 */
async function liveRefreshToken(deps: RefreshDeps, credentials: Credentials): Promise<string | undefined> {
  const pending = await deps.lease.readPending();
  if (!pending) return credentials.refreshToken;
  if (credentials.refreshToken && pending.replacesSha256 === tokenFingerprint(credentials.refreshToken)) {
    deps.logger?.warn('using the rotated refresh token kept in the token lease table by an earlier refresh');
    return pending.refreshToken;
  }
  deps.logger?.info("the credentials secret changed since a refresh token was kept in the lease table; using the secret's");
  await deps.lease.clearPending().catch(() => undefined);
  return credentials.refreshToken;
}

/**
 * Writes `refreshToken` into the credentials secret, other fields kept, with retries. When the secret
 * will not take it, keeps it in the lease table; returns the error to raise once the access token is
 * stored. A secret replaced during the refresh (a person's `auth login`) is left as it is.
 */
async function storeRefreshToken(
  deps: RefreshDeps,
  input: RefreshInput,
  credentials: Credentials,
  readFields: Record<string, unknown>,
  refreshToken: string,
  usedPending: boolean,
): Promise<RefreshTokenNotStoredError | undefined> {
  const id = input.credentialsSecretId;
  const latest = (await deps.secrets.getJson(id).catch(() => undefined)) as Record<string, unknown> | undefined;
  if (latest && latest.refreshToken !== credentials.refreshToken) {
    deps.logger?.warn('the credentials secret was replaced during the refresh (auth login?); keeping its refresh token');
    return undefined;
  }
  // Keep every other field the user stored; only the refresh token rotates.
  const value = { ...(latest ?? readFields), refreshToken };
  try {
    await storeWithRetry(() => deps.secrets.putJson(id, value), retryClock(deps, id), input.storeRetry);
  } catch (error) {
    const replacesSha256 = tokenFingerprint(credentials.refreshToken ?? '');
    const kept = await deps.lease.savePending({ refreshToken, replacesSha256 }).then(
      () => true,
      () => false,
    );
    return new RefreshTokenNotStoredError(id, kept, { cause: error });
  }
  deps.logger?.info('stored rotated refresh token');
  if (usedPending) {
    await deps.lease.clearPending().catch((error: unknown) => {
      // Harmless: the secret no longer holds the token it replaced, so it will not be used again.
      deps.logger?.warn('could not clear the kept refresh token from the lease table', { error: (error as Error).name });
    });
  }
  return undefined;
}

function retryClock(deps: RefreshDeps, secretId: string) {
  return {
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? defaultSleep,
    onRetry: (attempt: number, error: unknown) =>
      deps.logger?.warn('writing a secret failed; retrying', { secretId, attempt, error: (error as Error | undefined)?.name }),
  };
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
