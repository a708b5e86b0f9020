// Check 2: the grant works. One token request as the connector makes it (client credentials, or a
// refresh for authorization-code clients), each OAuth error named with its fix. Nothing secret is
// ever put in a message: Coupa's own descriptions are left out.
import { normalizeScopes, redactSecrets, type CoupaHost } from '../coupa';
import { exchange, jsonObject, redirectTarget, type Answer, type ExchangeOptions } from './exchange';
import { describeNetworkProblem } from './network-problem';
import type { CheckResult, DoctorCredentials, DoctorDeps } from './types';

const CLIENT_SETUP = 'Setup > Integrations > OAuth2/OpenID Connect Clients';

export interface GrantCheck {
  readonly result: CheckResult;
  /** The access token (secret: used for the reads, never shown). */
  readonly accessToken?: string;
  /** Scopes Coupa says it granted; undefined when its answer did not list them. */
  readonly granted?: readonly string[];
  readonly requested: readonly string[];
  readonly answer?: Answer;
}

export interface GrantOptions extends ExchangeOptions {
  readonly reloginHint: string;
  readonly onRefreshTokenRotated?: (refreshToken: string) => Promise<void> | void;
}

export async function checkGrant(host: CoupaHost, credentials: DoctorCredentials, options: GrantOptions): Promise<GrantCheck> {
  const grantType = credentials.grantType ?? 'client_credentials';
  const requested = normalizeScopes(credentials.scopes ?? []);
  const fail = (message: string, answer?: Answer): GrantCheck => ({
    result: { check: 'grant', status: 'fail', message },
    requested,
    ...(answer ? { answer } : {}),
  });
  if (grantType === 'authorization_code' && !credentials.refreshToken) {
    return fail(`authorization-code credentials hold no refresh token: ${options.reloginHint}`);
  }
  const form = new URLSearchParams({ client_id: credentials.clientId, client_secret: credentials.clientSecret });
  if (grantType === 'client_credentials') {
    form.set('grant_type', 'client_credentials');
    form.set('scope', requested.join(' '));
  } else {
    // As the connector refreshes: the scopes of the original authorization.
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', credentials.refreshToken!);
  }
  const outcome = await exchange(
    host.tokenUrl,
    { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    options,
  );
  if (outcome.kind === 'network') return fail(describeNetworkProblem(outcome, host, options.timeoutMs));
  const body = jsonObject(outcome.body);
  const accessToken = body?.access_token;
  if (outcome.status >= 200 && outcome.status < 300 && typeof accessToken === 'string' && accessToken !== '') {
    const rotated = body?.refresh_token;
    if (grantType === 'authorization_code' && typeof rotated === 'string' && rotated !== '' && rotated !== credentials.refreshToken) {
      try {
        await options.onRefreshTokenRotated?.(rotated);
      } catch (error) {
        const why = redactSecrets(error instanceof Error ? error.message : String(error), [rotated, credentials.clientSecret]).slice(
          0,
          200,
        );
        return fail(
          `Coupa rotated the refresh token but it could not be stored (${why}): the old one no longer works; ${options.reloginHint}`,
        );
      }
    }
    const granted = typeof body?.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : undefined;
    const how = grantType === 'client_credentials' ? 'client credentials grant' : 'refresh token';
    return {
      result: {
        check: 'grant',
        status: 'ok',
        message: `${how} works: token for client ${shownClientId(credentials.clientId)}, valid ${validity(body?.expires_in)}`,
      },
      accessToken,
      requested,
      ...(granted ? { granted } : {}),
      answer: outcome,
    };
  }
  return fail(
    grantProblem(outcome, typeof body?.error === 'string' ? body.error : undefined, grantType, requested, host, options),
    outcome,
  );
}

/**
 * The grant check of a deployed authorization-code stack: its token refresher refreshes (it alone may
 * spend the single-use refresh token) and the stored token is used for the reads.
 */
export async function grantFromRefresher(
  obtain: NonNullable<DoctorDeps['obtainToken']>,
  credentials: DoctorCredentials,
  reloginHint: string,
): Promise<GrantCheck> {
  const requested = normalizeScopes(credentials.scopes ?? []);
  try {
    const token = await obtain();
    return {
      result: {
        check: 'grant',
        status: 'ok',
        message: `refresh token works: the token-refresh function refreshed; token valid until ${new Date(token.expiresAt).toISOString()}`,
      },
      accessToken: token.accessToken,
      requested,
      granted: token.scopes,
    };
  } catch (error) {
    const known = [credentials.clientSecret, credentials.refreshToken].filter((s): s is string => Boolean(s));
    const why = redactSecrets(`${(error as Error).name}: ${(error as Error).message}`, known).slice(0, 300);
    const hint = /invalid_grant|Unauthorized/.test(why) ? `: ${reloginHint}` : '';
    return {
      result: { check: 'grant', status: 'fail', message: `the token-refresh function could not refresh (${why})${hint}` },
      requested,
    };
  }
}

function grantProblem(
  answer: Answer,
  code: string | undefined,
  grantType: 'client_credentials' | 'authorization_code',
  requested: readonly string[],
  host: CoupaHost,
  options: GrantOptions,
): string {
  const tag = code ?? `HTTP ${answer.status}`;
  if (answer.status >= 300 && answer.status < 400) {
    return `the token request was redirected to ${redirectTarget(answer, host.tokenUrl)} (HTTP ${answer.status}); not followed, it carries the client secret`;
  }
  if (answer.status === 429)
    return `Coupa rate-limited the token request (HTTP 429): the instance's other integrations share the limit; try again in a minute`;
  if (answer.status >= 500) return `Coupa's token endpoint failed (HTTP ${answer.status}): usually temporary; try again later`;
  switch (code ?? (answer.status === 401 ? 'invalid_client' : undefined)) {
    case 'invalid_client':
      return `wrong client id or secret (${tag}): copy both again from ${CLIENT_SETUP}, and check the client is active`;
    case 'invalid_grant':
      return grantType === 'authorization_code'
        ? `refresh token expired or revoked (${tag}): ${options.reloginHint}`
        : `Coupa refused the client credentials grant (${tag}): enable "Client credentials" on the OAuth client in ${CLIENT_SETUP}`;
    case 'unauthorized_client':
    case 'access_denied':
      return `the OAuth client may not use the ${grantType === 'client_credentials' ? 'client credentials' : 'authorization code'} grant (${tag}): enable it in ${CLIENT_SETUP}`;
    case 'invalid_scope':
      return `Coupa refused the requested scopes (${tag}): ${requested.join(' ')}; tick them on the OAuth client in ${CLIENT_SETUP}, or request fewer`;
    case 'unsupported_grant_type':
      return `Coupa does not accept this grant type here (${tag}): check the host is a Coupa instance`;
    default:
      return `the token request failed (${tag}): check the OAuth client in ${CLIENT_SETUP}`;
  }
}

// Client ids are not secret, but a long one shortened keeps lines readable.
function shownClientId(id: string): string {
  return id.length > 24 ? `${id.slice(0, 20)}…` : id;
}

function validity(expiresIn: unknown): string {
  const seconds = Number(expiresIn);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'for an unstated time';
  return seconds >= 3600 ? `${Math.round(seconds / 3600)} h` : `${Math.round(seconds)} s`;
}
