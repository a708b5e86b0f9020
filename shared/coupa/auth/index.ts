// OAuth 2.0 for Coupa: token requests per grant, and an in-memory caching TokenProvider.
export type { AccessToken, GetTokenOptions, OAuthSettings, TokenProvider } from './types';
export {
  DEFAULT_EXPIRES_IN_SECONDS,
  exchangeAuthorizationCode,
  refreshAccessToken,
  requestToken,
  type OAuthClientSettings,
  type RequestTokenOptions,
} from './request-token';
export { DEFAULT_REFRESH_SKEW_MS, OAuthTokenProvider, type OAuthTokenProviderOptions } from './OAuthTokenProvider';
export { BASE_SCOPE, normalizeScopes } from './scopes';
export { authorizationUrl, type AuthorizationRequest } from './authorization-url';
