// Coupa's OAuth 2.0 token endpoint: POST {base}/oauth2/token, form-encoded. One function per grant,
// plus `requestToken`, which gets a fresh access token the way the settings allow (what the scheduled
// refresh function calls).
import { CoupaConfigurationError, CoupaTransientError } from '../errors';
import { resolveHost } from '../host';
import { normalizeHttpOptions, type CoupaHttpOptions } from '../options';
import { basicAuthForms, reportedPath } from '../redact';
import { mapCallError } from '../to-coupa-error';
import { Transport, type CallState } from '../transport';
import { normalizeScopes } from './scopes';
import type { AccessToken, OAuthSettings } from './types';

/** Options of the token requests: HTTP options, plus a clock and an abort signal. */
export interface RequestTokenOptions extends CoupaHttpOptions {
  readonly signal?: AbortSignal;
  /** Clock for `expiresAt`. @default Date.now */
  readonly now?: () => number;
}

/** The client part of {@link OAuthSettings}: enough for any grant. */
export type OAuthClientSettings = Pick<OAuthSettings, 'host' | 'clientId' | 'clientSecret' | 'scopes'>;

/** When Coupa leaves out `expires_in` (it documents 86399 s), assume this much, to be safe. */
export const DEFAULT_EXPIRES_IN_SECONDS = 3600;

type Grant =
  | { readonly grant_type: 'client_credentials' }
  | { readonly grant_type: 'authorization_code'; readonly code: string; readonly redirect_uri: string }
  | { readonly grant_type: 'refresh_token'; readonly refresh_token: string };

/**
 * Gets a new access token as the settings allow: the client credentials grant, or for
 * `authorization_code` settings a refresh with `settings.refreshToken`. The result's `refreshToken`
 * is the one to keep (Coupa may rotate it): persist it when it differs.
 *
 * Coupa advises waiting at least 5 s after minting a token before first using it. This function does
 * not sleep; a caller that mints ahead of time (the scheduled refresh) meets that naturally, and a
 * 401 on a brand-new token is recovered by the client's one forced refresh.
 *
 * @throws `Coupa.Unauthorized` for bad credentials or refresh tokens, `Coupa.Validation` for bad
 *   requests or scopes, `Coupa.Forbidden` for a grant the client may not use, `Coupa.RateLimited` /
 *   `Coupa.Transient` for 429/5xx/network, `Coupa.Configuration` for unusable settings.
 * @example
 * const token = await requestToken({ host: 'acme', grantType: 'client_credentials',
 *   clientId, clientSecret, scopes: ['core.invoice.read'] });
 */
export async function requestToken(settings: OAuthSettings, options: RequestTokenOptions = {}): Promise<AccessToken> {
  if (settings.grantType === 'client_credentials') {
    return postToken(settings, { grant_type: 'client_credentials' }, options);
  }
  if (settings.grantType === 'authorization_code') {
    if (!settings.refreshToken) {
      throw new CoupaConfigurationError(
        'OAuth settings with grantType authorization_code need a refreshToken: obtain one with exchangeAuthorizationCode',
      );
    }
    return refreshAccessToken(settings, settings.refreshToken, options);
  }
  throw new CoupaConfigurationError(
    `OAuth grantType must be client_credentials or authorization_code, not ${JSON.stringify(String(settings.grantType)).slice(0, 40)}`,
  );
}

/**
 * Trades an authorization code (from `{base}/oauth2/authorizations/new?...&response_type=code`) for
 * tokens. Persist the returned `refreshToken`: it is what later refreshes use. Not retried on
 * timeouts or 5xx (a code works once).
 *
 * @example
 * const { refreshToken } = await exchangeAuthorizationCode(settings, code, 'https://app.example/callback');
 */
export async function exchangeAuthorizationCode(
  settings: OAuthClientSettings,
  code: string,
  redirectUri: string,
  options: RequestTokenOptions = {},
): Promise<AccessToken> {
  requireText(code, 'the authorization code');
  requireText(redirectUri, 'redirectUri');
  return postToken(settings, { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, options);
}

/**
 * Gets a new access token with a refresh token. The result's `refreshToken` is the one to keep: the
 * new one when Coupa rotated it, else the one passed in. Not retried on timeouts or 5xx (a rotated
 * refresh token whose answer was lost would be gone either way); 429 is retried.
 *
 * @example
 * const token = await refreshAccessToken(settings, stored.refreshToken);
 * if (token.refreshToken !== stored.refreshToken) await persist(token.refreshToken);
 */
export async function refreshAccessToken(
  settings: OAuthClientSettings & { refreshToken?: string },
  refreshToken: string | undefined = settings.refreshToken,
  options: RequestTokenOptions = {},
): Promise<AccessToken> {
  requireText(refreshToken, 'the refresh token');
  const token = await postToken(settings, { grant_type: 'refresh_token', refresh_token: refreshToken }, options);
  return { ...token, refreshToken: token.refreshToken ?? refreshToken };
}

async function postToken(settings: OAuthClientSettings, grant: Grant, options: RequestTokenOptions): Promise<AccessToken> {
  const host = resolveHost(settings.host);
  requireText(settings.clientId, 'clientId');
  requireText(settings.clientSecret, 'clientSecret');
  const scopes = normalizeScopes(settings.scopes);
  const http = normalizeHttpOptions(options);
  const now = options.now ?? Date.now;

  const form = new URLSearchParams({ client_id: settings.clientId, client_secret: settings.clientSecret });
  for (const [key, value] of Object.entries(grant)) form.set(key, value);
  // A refresh keeps the scopes originally granted; asking again could only narrow or fail them.
  if (grant.grant_type !== 'refresh_token') form.set('scope', scopes.join(' '));

  const secrets = [
    settings.clientSecret,
    ...basicAuthForms(settings.clientId, settings.clientSecret),
    'code' in grant ? grant.code : undefined,
    'refresh_token' in grant ? grant.refresh_token : undefined,
  ];
  const context = {
    method: 'POST',
    path: reportedPath(host.tokenUrl),
    endpoint: 'token' as const,
    grantType: grant.grant_type,
    scopes,
    secrets,
    timeoutMs: http.timeoutMs,
    baseUrl: host.baseUrl,
  };
  const state: CallState = { attempts: 0 };
  const sentAt = now();
  let text: string;
  try {
    const response = await new Transport(http).send(
      {
        method: 'POST',
        url: host.tokenUrl,
        form,
        // Minting another client-credentials token is harmless; a code or refresh token works once.
        idempotent: grant.grant_type === 'client_credentials',
        ...(options.signal ? { signal: options.signal } : {}),
      },
      state,
    );
    text = await response.text();
  } catch (error) {
    throw await mapCallError(error, { ...context, attempts: state.attempts });
  }
  return parseTokenResponse(text, scopes, sentAt, context.path);
}

function parseTokenResponse(text: string, requested: string[], sentAt: number, path: string): AccessToken {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const accessToken = body?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    // Never quote the body: it could hold a token.
    throw new CoupaTransientError(`Coupa's token endpoint (POST ${path}) answered without an access_token`, {
      method: 'POST',
      path,
    });
  }
  const expiresIn = Number(body?.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS);
  const seconds = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_SECONDS;
  const granted = typeof body?.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : [];
  const refreshToken = body?.refresh_token;
  return {
    accessToken,
    tokenType: typeof body?.token_type === 'string' && body.token_type !== '' ? body.token_type : 'bearer',
    // Counted from when the request was sent, so the token is never considered valid too long.
    expiresAt: sentAt + seconds * 1000,
    scopes: granted.length > 0 ? granted : requested,
    ...(typeof refreshToken === 'string' && refreshToken !== '' ? { refreshToken } : {}),
  };
}

function requireText(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CoupaConfigurationError(`OAuth settings are incomplete: ${what} is missing`);
  }
}
