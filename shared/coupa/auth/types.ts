// OAuth 2.0 types of the Coupa client. Stable contracts: the Secrets Manager-backed provider and the
// scheduled token-refresh function (shared/tokens) build on them.

/** How to get tokens for one Coupa instance (what the credentials secret holds). */
export interface OAuthSettings {
  /** Instance name, host or URL; see `resolveHost`. */
  host: string;
  grantType: 'client_credentials' | 'authorization_code';
  clientId: string;
  clientSecret: string;
  /** Scopes to request; `core.common.read` is always added. */
  scopes?: string[];
  /** For `authorization_code`: the current refresh token. */
  refreshToken?: string;
}

/** A minted access token. `accessToken` and `refreshToken` are secrets: never log them. */
export interface AccessToken {
  accessToken: string;
  /** As Coupa says it, normally `bearer`. */
  tokenType: string;
  /** Epoch ms, from `expires_in` and the time the request was sent. */
  expiresAt: number;
  /** Scopes granted (Coupa's `scope` answer), else the scopes requested. */
  scopes: string[];
  /** The refresh token to keep (authorization-code grants); may differ from the one used: persist it. */
  refreshToken?: string;
}

/** Options of {@link TokenProvider.getToken}. */
export interface GetTokenOptions {
  /** Fetch a new token even if the cached one looks valid (after Coupa answered 401). */
  forceRefresh?: boolean;
  /**
   * With `forceRefresh`: the token Coupa just rejected. A provider may skip the refresh when its
   * current token is already a different one (a concurrent caller refreshed first). Optional to honour.
   */
  rejectedToken?: string;
}

/** Where the Coupa client gets bearer tokens. */
export interface TokenProvider {
  /** A bearer token to send now. */
  getToken(options?: GetTokenOptions): Promise<string>;
  /** Forget any cached token. */
  invalidate?(): void;
}
