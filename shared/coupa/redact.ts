// Keeps secrets out of error messages and fields. Applied to every path we report and to every message
// we build from a response body.

/** Query parameters whose values are secrets (OAuth flows can carry them in URLs). */
const SECRET_PARAMS = new Set([
  'access_token',
  'client_secret',
  'refresh_token',
  'code',
  'id_token',
  'token',
  'password',
  'api_key',
  'assertion',
]);

export const REDACTED = 'REDACTED';

/**
 * The URL's path and query as we report them in errors and hooks: secret-bearing query parameters are
 * replaced with `REDACTED`, the scheme/host/credentials/fragment are dropped.
 *
 * @example
 * reportedPath('https://x.coupahost.com/oauth2/token?code=abc&state=1') // → '/oauth2/token?code=REDACTED&state=1'
 */
export function reportedPath(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not absolute: treat as a path relative to a dummy origin so the same rules apply.
    parsed = new URL(String(url), 'http://path.invalid');
  }
  if (parsed.search === '') return parsed.pathname;
  // Rewrite only the values that need it; keep the rest byte-for-byte as sent.
  const pairs = parsed.search.slice(1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    let key: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    } catch {
      key = rawKey;
    }
    return SECRET_PARAMS.has(key.toLowerCase()) && eq !== -1 ? `${rawKey}=${REDACTED}` : pair;
  });
  return `${parsed.pathname}?${pairs.join('&')}`;
}

/**
 * Replaces every occurrence of the given secret values in `text` (and their URL-encoded forms) with
 * `REDACTED`. Values shorter than 4 characters are ignored (they would mangle ordinary words).
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}
