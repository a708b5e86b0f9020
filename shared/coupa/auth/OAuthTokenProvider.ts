// A TokenProvider that talks to Coupa's token endpoint itself and caches the token in memory: reused
// until `refreshSkewMs` before expiry, one fetch at a time (concurrent callers share it), one refresh
// per rejected token. For Lambdas, prefer the Secrets Manager-backed provider in shared/tokens.
import { CoupaConfigurationError, isCoupaRateLimitedError, isCoupaTransientError } from '../errors';
import { resolveHost } from '../host';
import { refreshAccessToken, requestToken, exchangeAuthorizationCode, type RequestTokenOptions } from './request-token';
import type { AccessToken, GetTokenOptions, OAuthSettings, TokenProvider } from './types';

/** Options of {@link OAuthTokenProvider}. */
export interface OAuthTokenProviderOptions extends Omit<RequestTokenOptions, 'signal'> {
  /** Fetch a new token this long before the current one expires. @default 300000 (5 minutes) */
  readonly refreshSkewMs?: number;
  /**
   * Called when Coupa hands out a new refresh token (authorization-code grants). Persist it: the old
   * one may stop working. Awaited; if it throws, `getToken` rejects with its error, while the new
   * tokens are kept in memory (so this process keeps working).
   */
  readonly onRefreshTokenRotated?: (refreshToken: string) => void | Promise<void>;
}

export const DEFAULT_REFRESH_SKEW_MS = 5 * 60_000;

/**
 * In-memory OAuth token cache for one Coupa instance.
 *
 * Coupa advises waiting ≥5 s after minting a token before first use; this provider does not sleep
 * (a 401 on a brand-new token costs one forced refresh in the client instead).
 *
 * @example
 * const tokens = new OAuthTokenProvider({ host: 'acme', grantType: 'client_credentials', clientId, clientSecret });
 * const client = new CoupaClient({ host: 'acme', tokenProvider: tokens });
 */
export class OAuthTokenProvider implements TokenProvider {
  readonly #settings: OAuthSettings;
  readonly #options: OAuthTokenProviderOptions;
  readonly #skewMs: number;
  readonly #now: () => number;
  #refreshToken: string | undefined;
  #cached: AccessToken | undefined;
  #inflight: Promise<AccessToken> | undefined;

  /**
   * @param initial - a token already minted for these settings (e.g. by the code exchange), to start with.
   * @throws {CoupaConfigurationError} for unusable settings (checked now, not at the first request).
   */
  constructor(settings: OAuthSettings, options: OAuthTokenProviderOptions = {}, initial?: AccessToken) {
    resolveHost(settings.host);
    if (settings.grantType !== 'client_credentials' && settings.grantType !== 'authorization_code') {
      throw new CoupaConfigurationError('OAuth grantType must be client_credentials or authorization_code');
    }
    if (!settings.clientId || !settings.clientSecret) {
      throw new CoupaConfigurationError('OAuth settings are incomplete: clientId and clientSecret are required');
    }
    if (settings.grantType === 'authorization_code' && !settings.refreshToken && !initial?.refreshToken) {
      throw new CoupaConfigurationError(
        'OAuth settings with grantType authorization_code need a refreshToken: obtain one with exchangeAuthorizationCode',
      );
    }
    const skew = options.refreshSkewMs ?? DEFAULT_REFRESH_SKEW_MS;
    if (!Number.isFinite(skew) || skew < 0) throw new CoupaConfigurationError('refreshSkewMs must be a number of ms ≥ 0');
    this.#settings = { ...settings, ...(settings.scopes ? { scopes: [...settings.scopes] } : {}) };
    this.#options = options;
    this.#skewMs = skew;
    this.#now = options.now ?? Date.now;
    this.#refreshToken = initial?.refreshToken ?? settings.refreshToken;
    this.#cached = initial;
  }

  /**
   * Completes an authorization-code login: exchanges the code, reports the refresh token through
   * `onRefreshTokenRotated`, and returns a provider that starts with the minted token.
   */
  static async fromAuthorizationCode(
    settings: Omit<OAuthSettings, 'grantType' | 'refreshToken'>,
    code: string,
    redirectUri: string,
    options: OAuthTokenProviderOptions = {},
  ): Promise<OAuthTokenProvider> {
    const token = await exchangeAuthorizationCode(settings, code, redirectUri, options);
    if (!token.refreshToken) {
      throw new CoupaConfigurationError(
        'Coupa returned no refresh token for the authorization code: give the OAuth client the offline_access scope, or use client_credentials',
      );
    }
    await options.onRefreshTokenRotated?.(token.refreshToken);
    return new OAuthTokenProvider({ ...settings, grantType: 'authorization_code' }, options, token);
  }

  /** A bearer token: the cached one while fresh, else a new one (shared with concurrent callers). */
  async getToken(options: GetTokenOptions = {}): Promise<string> {
    return (await this.getAccessToken(options)).accessToken;
  }

  /** Like {@link getToken}, with expiry and scopes. */
  async getAccessToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const cached = this.#cached;
    const fresh = cached !== undefined && this.#now() < cached.expiresAt - this.#skewMs;
    // After a 401, a token other than the rejected one was minted by someone else meanwhile: use it.
    const replaced = options.rejectedToken !== undefined && cached?.accessToken !== options.rejectedToken;
    if (fresh && (!options.forceRefresh || replaced)) return cached;
    try {
      this.#inflight ??= this.#mint().finally(() => {
        this.#inflight = undefined;
      });
      return await this.#inflight;
    } catch (error) {
      // A proactive refresh that hit a passing problem: the old token still works until it expires.
      const stillValid = cached !== undefined && this.#now() < cached.expiresAt;
      if (!options.forceRefresh && stillValid && (isCoupaTransientError(error) || isCoupaRateLimitedError(error))) {
        return cached;
      }
      throw error;
    }
  }

  /** Forgets the cached access token (the refresh token is kept). */
  invalidate(): void {
    this.#cached = undefined;
  }

  /** The refresh token in use (authorization-code grants). Secret. */
  get refreshToken(): string | undefined {
    return this.#refreshToken;
  }

  async #mint(): Promise<AccessToken> {
    const { refreshSkewMs: _skew, onRefreshTokenRotated, ...requestOptions } = this.#options;
    if (this.#settings.grantType === 'client_credentials') {
      const token = await requestToken(this.#settings, requestOptions);
      this.#cached = token;
      return token;
    }
    const previous = this.#refreshToken;
    const token = await refreshAccessToken(this.#settings, previous, requestOptions);
    // Keep both in memory before persisting, so a failing callback cannot strand this process.
    this.#cached = token;
    if (token.refreshToken && token.refreshToken !== previous) {
      this.#refreshToken = token.refreshToken;
      await onRefreshTokenRotated?.(token.refreshToken);
    }
    return token;
  }
}
