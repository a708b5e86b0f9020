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
  const pairs = parsed.search
    .slice(1)
    .split('&')
    .map((pair) => {
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
 * Replaces every occurrence of the given secret values in `text` with `REDACTED`, in every form an
 * endpoint may echo them: raw, percent-encoded (`encodeURIComponent`, RFC 3986 strict, lower-case hex),
 * form-encoded (`application/x-www-form-urlencoded`, `+` for spaces), JSON-escaped and base64. Values
 * shorter than 4 characters are ignored (they would mangle ordinary words). Redact before truncating:
 * a cut secret no longer matches.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of secretForms(secret)) forms.add(form);
  }
  // Longest first, so a form that contains another is replaced whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}

/**
 * The secrets of an HTTP Basic client authentication: `base64(id:secret)` is as secret as the secret.
 */
export function basicAuthForms(clientId: string, clientSecret: string): string[] {
  return [`${clientId}:${clientSecret}`, `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`].map(base64);
}

function secretForms(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const strict = percent.replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const forms = [
    secret,
    percent,
    strict,
    form,
    JSON.stringify(secret).slice(1, -1),
    base64(secret),
    Buffer.from(secret).toString('base64url'),
  ];
  // Percent-escapes may come back in lower-case hex.
  for (const encoded of [percent, strict, form]) forms.push(encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  return forms.filter((f) => f.length >= 4);
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');
