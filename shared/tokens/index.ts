// Coupa OAuth tokens kept in two secrets (credentials, cached access token), written only by the
// token refresher under a lease. No AWS SDK in here: storage, the lease and the refresher are ports
// (SecretStore, RefreshLease, TokenRefresher) with adapters in shared/adapters.
export type { SecretStore } from './SecretStore';
export type { RefreshLease, PendingRefreshToken } from './RefreshLease';
export type { TokenRefresher, RefreshRequest, RefreshOutcome } from './TokenRefresher';
export {
  TokenError,
  SecretNotFoundError,
  SecretFormatError,
  InvalidCredentialsError,
  TokenRefreshBusyError,
  RefreshTokenNotStoredError,
  TokenRefreshFailedError,
} from './errors';
export { parseCredentials, CREDENTIALS_PLACEHOLDER, type Credentials, type GrantType } from './credentials';
export { parseStoredToken, type StoredToken } from './stored-token';
export { tokenFingerprint } from './token-fingerprint';
export {
  refreshStoredToken,
  readStoredToken,
  type RefreshDeps,
  type RefreshInput,
  type RefreshResult,
  type RequestToken,
} from './refresh-stored-token';
export { serveRefreshRequest, parseRefreshRequest, type RefreshSettings } from './serve-refresh-request';
export { storeWithRetry, type StoreRetryOptions } from './store-with-retry';
export * from './refresh-timing';
export { StoredTokenProvider, type StoredTokenProviderDeps, type StoredTokenProviderOptions } from './StoredTokenProvider';
