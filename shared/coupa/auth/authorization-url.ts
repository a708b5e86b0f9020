// Where a person approves an authorization-code client: Coupa's authorization endpoint.
import { resolveHost } from '../host';
import { normalizeScopes } from './scopes';

export interface AuthorizationRequest {
  /** Instance name, host or URL; see `resolveHost`. */
  readonly host: string;
  readonly clientId: string;
  /** Scopes to ask for; `core.common.read` is always added. */
  readonly scopes?: readonly string[];
  /** Must be registered on the Coupa client exactly as given here. */
  readonly redirectUri: string;
  /** Opaque value Coupa sends back with the code; the caller checks it (CSRF protection). */
  readonly state: string;
}

/**
 * The URL of Coupa's authorization page for the authorization-code grant:
 * `{base}/oauth2/authorizations/new?client_id=…&response_type=code&scope=…&redirect_uri=…&state=…`.
 * Scopes are space-separated, sent as `%20`. The client id is not a secret; nothing else is included.
 *
 * @example
 * authorizationUrl({ host: 'acme', clientId: 'id', scopes: ['core.invoice.read'],
 *   redirectUri: 'http://127.0.0.1:8976/callback', state })
 */
export function authorizationUrl(request: AuthorizationRequest): string {
  const params: Array<[string, string]> = [
    ['client_id', request.clientId],
    ['response_type', 'code'],
    ['scope', normalizeScopes(request.scopes).join(' ')],
    ['redirect_uri', request.redirectUri],
    ['state', request.state],
  ];
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${resolveHost(request.host).baseUrl}/oauth2/authorizations/new?${query}`;
}
