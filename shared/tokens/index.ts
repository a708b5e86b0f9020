// Coupa OAuth tokens kept in two secrets (credentials, cached access token). No AWS SDK in here:
// storage is the SecretStore port; shared/adapters/aws/SecretsManagerSecretStore implements it.
export type { SecretStore } from './SecretStore';
export { TokenError, SecretNotFoundError, SecretFormatError, InvalidCredentialsError } from './errors';
export { parseCredentials, CREDENTIALS_PLACEHOLDER, type Credentials, type GrantType } from './credentials';
export { parseStoredToken, type StoredToken } from './stored-token';
export {
  refreshStoredToken,
  readStoredToken,
  type RefreshDeps,
  type RefreshInput,
  type RefreshResult,
  type RequestToken,
  type TokenLogger,
} from './refresh-stored-token';
export { StoredTokenProvider, type StoredTokenProviderOptions } from './StoredTokenProvider';
