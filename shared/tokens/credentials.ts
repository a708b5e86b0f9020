// The credentials secret: its shape, parsed once at the edge. Error messages name fields, never values.
import { z } from 'zod';
import { resolveHost } from '../coupa/host';
import { InvalidCredentialsError } from './errors';

/**
 * What a user holding only a Coupa API key is told: Coupa retired API keys for integrations in favour of
 * OAuth 2.0 (OpenID Connect) clients.
 */
export const API_KEY_UNSUPPORTED =
  'Coupa no longer supports API keys for integrations like this one; use an OAuth 2.0 client instead. ' +
  'In Coupa, go to Setup > Integrations > OAuth2/OpenID Connect Clients, create a client with grant type ' +
  '"Client credentials" (or "Authorization code"), tick the scopes it needs (`objects --json` lists them per object), ' +
  'and store its identifier and secret as clientId and clientSecret (see the README, "Connect to Coupa")';

/** Value the deployed credentials secret starts with; the user replaces it (see README). */
export const CREDENTIALS_PLACEHOLDER = 'REPLACE_ME';

export type GrantType = 'client_credentials' | 'authorization_code';

/** Parsed credentials secret `{host, grantType, clientId, clientSecret, scopes, refreshToken?}`. */
export interface Credentials {
  readonly host: string;
  readonly grantType: GrantType;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes?: string[];
  readonly refreshToken?: string;
}

const nonEmpty = z.string().trim().min(1);
const schema = z.object({
  host: nonEmpty.optional(),
  grantType: z.enum(['client_credentials', 'authorization_code']).default('client_credentials'),
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  // Scopes as a JSON array or as Coupa's own space-separated string.
  scopes: z.union([z.array(nonEmpty), z.string()]).optional(),
  refreshToken: nonEmpty.optional(),
});

// Our own wording per field: zod's messages are not guaranteed to leave the input out.
const expected: Record<string, string> = {
  host: 'host must be the instance URL (https://acme.coupahost.com), host name or instance name; plain http:// only for loopback hosts',
  grantType: 'grantType must be client_credentials or authorization_code',
  clientId: 'clientId must be a non-empty string',
  clientSecret: 'clientSecret must be a non-empty string',
  scopes: 'scopes must be an array of strings or a space-separated string',
  refreshToken: 'refreshToken must be a non-empty string',
};

/**
 * Validates the credentials secret's JSON. `defaultHost` (the stack's configured host) is used when
 * the secret has no `host`. Throws {@link InvalidCredentialsError} listing every problem.
 */
export function parseCredentials(secretId: string, raw: unknown, defaultHost?: string): Credentials {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidCredentialsError(secretId, ['the secret must be a JSON object']);
  }
  const record = raw as Record<string, unknown>;
  const apiKeyOnly = ['apiKey', 'api_key', 'X-COUPA-API-KEY'].some((k) => k in record) && !('clientId' in record);
  if (apiKeyOnly) throw new InvalidCredentialsError(secretId, [API_KEY_UNSUPPORTED]);
  const result = schema.safeParse(record);
  const problems: string[] = [];
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? '')))];
    for (const f of fields) {
      const v = record[f];
      const missing = v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
      problems.push(missing ? `missing ${f}` : (expected[f] ?? `${f} is invalid`));
    }
    throw new InvalidCredentialsError(secretId, problems);
  }
  const c = result.data;
  if (c.clientId === CREDENTIALS_PLACEHOLDER) {
    problems.push(`clientId still holds the placeholder ${CREDENTIALS_PLACEHOLDER}: store the Coupa OAuth client's identifier and secret`);
  }
  const host = c.host ?? defaultHost;
  if (!host) problems.push('missing host');
  else if (!validHost(host)) problems.push(expected.host!);
  if (c.grantType === 'authorization_code' && !c.refreshToken) {
    problems.push('missing refreshToken (required for grantType authorization_code)');
  }
  if (problems.length > 0 || !host) throw new InvalidCredentialsError(secretId, problems);
  const scopes = typeof c.scopes === 'string' ? c.scopes.split(/\s+/).filter(Boolean) : c.scopes;
  return {
    host,
    grantType: c.grantType,
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    ...(scopes ? { scopes } : {}),
    ...(c.refreshToken ? { refreshToken: c.refreshToken } : {}),
  };
}

// The Coupa client's own host rules; its message (which quotes the host) is replaced by ours.
function validHost(host: string): boolean {
  try {
    resolveHost(host);
    return true;
  } catch {
    return false;
  }
}
