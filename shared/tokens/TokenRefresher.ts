/**
 * Port: asks the one component allowed to mint and store tokens (the token-refresh function) for a
 * fresh access token. Adapters: shared/adapters/aws/LambdaTokenRefresher (a synchronous Lambda invoke)
 * and shared/adapters/local/InProcessTokenRefresher (the same use case in this process).
 * The answer never carries the token: the caller re-reads the token secret.
 */
export interface TokenRefresher {
  refresh(request: RefreshRequest): Promise<RefreshOutcome>;
}

/** The token-refresh function's event. Every field is optional: `{}` is the scheduled run. */
export interface RefreshRequest {
  /** Refresh even when the stored token is still valid (unless `rejectedTokenSha256` says otherwise). */
  readonly force?: boolean;
  /**
   * SHA-256 (hex, shared/tokens/token-fingerprint) of a token Coupa just rejected (401): the refresher
   * refreshes only if the stored token is still that one (or unusable), so a burst of 401s from many
   * callers costs one refresh. Never the token itself.
   */
  readonly rejectedTokenSha256?: string;
}

/** The token-refresh function's answer. No secret in it. */
export interface RefreshOutcome {
  /** True when this call minted a new token; false when the stored one was kept (still good, or refreshed by another call). */
  readonly refreshed: boolean;
  /** Expiry of the token now stored, ISO 8601. */
  readonly expiresAt: string;
}
