import type { IncomingHttpHeaders } from 'node:http';
import { OAuthError, type OAuthServer } from './auth';
import { basicCredentials } from './http-io';

/**
 * The OAuth endpoints over HTTP: `POST /oauth2/token` (and its alias `/oauth2/access_tokens`) and the
 * auto-approving authorization endpoint `GET /oauth2/authorizations/new`.
 */

export interface HttpAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export const isOAuthPath = (path: string): boolean => path.startsWith('/oauth2/');

export function handleOAuth(
  oauth: OAuthServer,
  method: string,
  path: string,
  params: URLSearchParams,
  bodyText: string,
  headers: IncomingHttpHeaders,
): HttpAnswer {
  try {
    if (path === '/oauth2/token' || path === '/oauth2/access_tokens') {
      if (method !== 'POST')
        return { status: 405, body: { error: 'invalid_request', error_description: 'Use POST' }, headers: { Allow: 'POST' } };
      // The docs' curl sends the fields as query parameters; forms and JSON bodies are read too.
      const fields = { ...Object.fromEntries(params), ...formFields(bodyText, headers['content-type']) };
      return { status: 200, body: oauth.token(fields, basicCredentials(headers.authorization)), headers: { 'Cache-Control': 'no-store' } };
    }
    if (path === '/oauth2/authorizations/new' && method === 'GET') {
      const code = oauth.authorize(params);
      const redirect = params.get('redirect_uri');
      if (!redirect) return { status: 200, body: { code } };
      const target = new URL(redirect);
      target.searchParams.set('code', code);
      const state = params.get('state');
      if (state) target.searchParams.set('state', state);
      return { status: 302, headers: { Location: target.toString() } };
    }
    return { status: 404, body: { error: 'invalid_request', error_description: `No OAuth endpoint ${method} ${path}` } };
  } catch (e) {
    if (e instanceof OAuthError) return { status: e.status, body: { error: e.error, error_description: e.description } };
    return { status: 500, body: { error: 'server_error', error_description: (e as Error).message } };
  }
}

function formFields(text: string, contentType: string | undefined): Record<string, string> {
  if (!text) return {};
  if (contentType?.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch {
      // fall through: not JSON after all
    }
    return {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}
