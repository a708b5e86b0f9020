import { randomBytes } from 'node:crypto';
import type { SimClock } from './clock';

/**
 * Coupa's OAuth 2.0 server as far as the connector meets it: client credentials, authorization code
 * with rotating refresh tokens, expiry by the simulator clock, and revocation. Errors are RFC 6749
 * bodies (`{"error":"invalid_client"}`), since Coupa documents none.
 */

export interface ClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenTtlSeconds: number;
}

export interface AccessToken {
  readonly clientId: string;
  /** Granted scopes; empty = no scope was requested, which grants everything. */
  readonly scopes: readonly string[];
  readonly expiresAtMs: number;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
}

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

interface Grant {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly expiresAtMs: number;
  readonly redirectUri?: string;
}

const REFRESH_TTL_MS = 90 * 86_400_000; // "refresh tokens expire every 90 days"
const CODE_TTL_MS = 10 * 60_000;

export class OAuthServer {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly codes = new Map<string, Grant>();
  /** Every scope set ever granted, for tests that check what a client asked for. */
  readonly grantedScopes: string[][] = [];

  constructor(
    private readonly config: ClientConfig,
    private readonly clock: SimClock,
  ) {}

  /** Handles a token request (form fields, with the client possibly in an HTTP Basic header). */
  token(fields: Readonly<Record<string, string>>, basicAuth?: { id: string; secret: string }): TokenResponse {
    const clientId = basicAuth?.id ?? fields.client_id;
    const clientSecret = basicAuth?.secret ?? fields.client_secret;
    const grantType = fields.grant_type;
    if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
    if (!['client_credentials', 'authorization_code', 'refresh_token'].includes(grantType)) {
      throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
    }
    if (clientId !== this.config.clientId || clientSecret !== this.config.clientSecret) {
      throw new OAuthError(401, 'invalid_client', 'Client authentication failed');
    }
    const requested = parseScopes(fields.scope);
    switch (grantType) {
      case 'client_credentials':
        return this.issue(clientId, requested, false);
      case 'authorization_code': {
        const grant = this.take(this.codes, fields.code, 'authorization code');
        if (grant.redirectUri && fields.redirect_uri && fields.redirect_uri !== grant.redirectUri) {
          throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
        }
        return this.issue(clientId, requested.length ? requested : grant.scopes, true);
      }
      default: {
        const grant = this.take(this.refreshTokens, fields.refresh_token, 'refresh token');
        return this.issue(clientId, requested.length ? requested : grant.scopes, true);
      }
    }
  }

  /** The authorization endpoint, auto-approved: a code for the redirect. */
  authorize(params: URLSearchParams): string {
    if (params.get('client_id') !== this.config.clientId) throw new OAuthError(400, 'invalid_client', 'Unknown client_id');
    if (params.get('response_type') !== 'code') throw new OAuthError(400, 'unsupported_response_type', 'response_type must be code');
    return this.issueAuthorizationCode(parseScopes(params.get('scope') ?? undefined), params.get('redirect_uri') ?? undefined);
  }

  issueAuthorizationCode(scopes: readonly string[], redirectUri?: string): string {
    const code = randomToken(24);
    this.codes.set(code, {
      clientId: this.config.clientId,
      scopes,
      expiresAtMs: this.clock.now() + CODE_TTL_MS,
      ...(redirectUri ? { redirectUri } : {}),
    });
    return code;
  }

  /** The token behind an `Authorization` header, or why it is not acceptable. */
  authenticate(header: string | undefined): AccessToken {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new OAuthError(401, 'invalid_request', 'Missing bearer token');
    const token = this.tokens.get(match[1]!);
    if (!token) throw new OAuthError(401, 'invalid_token', 'The access token is invalid');
    if (token.expiresAtMs <= this.clock.now()) throw new OAuthError(401, 'invalid_token', 'The access token expired');
    return token;
  }

  /** A known access token and the client it was issued to, without validating expiry (for rate-limit buckets). */
  bearerOf(header: string | undefined): { clientId: string; token: string } | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const known = match ? this.tokens.get(match[1]!) : undefined;
    return known ? { clientId: known.clientId, token: match![1]! } : undefined;
  }

  /** Every access and refresh token issued so far stops working. */
  revokeAll(): void {
    this.tokens.clear();
    this.refreshTokens.clear();
  }

  private issue(clientId: string, scopes: readonly string[], withRefresh: boolean): TokenResponse {
    const accessToken = fakeJwt(clientId, scopes, this.clock.now(), this.config.tokenTtlSeconds);
    this.tokens.set(accessToken, { clientId, scopes, expiresAtMs: this.clock.now() + this.config.tokenTtlSeconds * 1000 });
    this.grantedScopes.push([...scopes]);
    const response: TokenResponse = {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: this.config.tokenTtlSeconds,
      scope: scopes.join(' '),
    };
    if (!withRefresh) return response;
    const refreshToken = randomToken(32);
    this.refreshTokens.set(refreshToken, { clientId, scopes, expiresAtMs: this.clock.now() + REFRESH_TTL_MS });
    return { ...response, refresh_token: refreshToken };
  }

  /** Single use: codes and refresh tokens (rotation) are consumed. */
  private take(store: Map<string, Grant>, value: string | undefined, what: string): Grant {
    const grant = value ? store.get(value) : undefined;
    if (value) store.delete(value);
    if (!grant || grant.clientId !== this.config.clientId || grant.expiresAtMs <= this.clock.now()) {
      throw new OAuthError(400, 'invalid_grant', `The ${what} is invalid, expired or already used`);
    }
    return grant;
  }
}

export const parseScopes = (text: string | undefined): string[] => (text ?? '').split(/[\s+]+/).filter(Boolean);

const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** Coupa's access tokens are JWTs whose length grows with the scopes; clients must not parse them. */
function fakeJwt(clientId: string, scopes: readonly string[], nowMs: number, ttlSeconds: number): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(nowMs / 1000);
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: clientId, scope: scopes.join(' '), iat, exp: iat + ttlSeconds, jti: randomToken(8) })}.${randomToken(32)}`;
}
