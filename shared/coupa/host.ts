// Turns what a user types as "the Coupa host" into the URLs the client calls. Coupa is HTTPS only;
// plain http is allowed for loopback so tests and the local simulator work without certificates.
import { CoupaConfigurationError } from './errors';

/** The URLs of one Coupa instance. */
export interface CoupaHost {
  /** Origin plus any path prefix, no trailing slash: `https://acme.coupahost.com`. */
  readonly baseUrl: string;
  /** REST API root, with trailing slash: `https://acme.coupahost.com/api/`. */
  readonly apiUrl: string;
  /** OAuth 2.0 token endpoint: `https://acme.coupahost.com/oauth2/token`. */
  readonly tokenUrl: string;
  /** Host name without port: `acme.coupahost.com`. */
  readonly hostname: string;
  /**
   * A best guess at the instance name for event sources (`coupa.acme`): the first DNS label for
   * Coupa's own domains, otherwise the host name. Override it where it matters.
   */
  readonly instance: string;
}

const INSTANCE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const COUPA_DOMAINS = /\.(coupahost|coupacloud|coupadev)\.com$/i;

/**
 * Resolves a Coupa host setting. Accepts an instance name (`acme` → `https://acme.coupahost.com`),
 * a host name (`acme.coupacloud.com`, optionally with `:port`) or a full URL; a trailing `/api` and
 * trailing slashes are dropped. `http://` is accepted only for loopback hosts (127.0.0.0/8, ::1,
 * localhost). URLs with credentials, a query string or a fragment are rejected.
 *
 * @throws {CoupaConfigurationError} (`Coupa.Configuration`) when the setting is unusable.
 * @example
 * resolveHost('acme').apiUrl // → 'https://acme.coupahost.com/api/'
 * resolveHost('http://127.0.0.1:4010/api/').baseUrl // → 'http://127.0.0.1:4010'
 */
export function resolveHost(input: string): CoupaHost {
  const raw = typeof input === 'string' ? input.trim() : '';
  if (raw === '') {
    throw new CoupaConfigurationError(
      'Coupa host is empty: set it to the instance name (acme), host (acme.coupahost.com) or URL (https://acme.coupahost.com)',
    );
  }
  // A host setting never needs '@'; refusing it early also keeps user:password@ out of our messages.
  if (raw.includes('@')) {
    throw new CoupaConfigurationError(
      'Coupa host must not contain credentials (user:password@): configure the OAuth client id and secret instead',
    );
  }
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  const candidate = hasScheme ? raw : INSTANCE_NAME.test(raw) ? `https://${raw}.coupahost.com` : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new CoupaConfigurationError(`Coupa host "${printable(raw)}" is not a valid host name or URL`);
  }
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(raw)) {
    throw new CoupaConfigurationError(`Coupa host "${shown}" must not have a query string or fragment`);
  }
  if (url.protocol === 'http:') {
    if (!isLoopback(url.hostname)) {
      throw new CoupaConfigurationError(
        `Coupa host "${shown}" uses plain http: Coupa is HTTPS only (http is accepted for loopback hosts only); use https://${url.host}`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new CoupaConfigurationError(`Coupa host "${shown}" must be an https:// URL`);
  }
  // Tolerate ".../api", ".../api/" and extra slashes; keep any other path prefix (a reverse proxy).
  const prefix = url.pathname
    .replace(/\/+$/, '')
    .replace(/\/api$/i, '')
    .replace(/\/+$/, '');
  const baseUrl = `${url.protocol}//${url.host}${prefix}`;
  const hostname = url.hostname;
  return {
    baseUrl,
    apiUrl: `${baseUrl}/api/`,
    tokenUrl: `${baseUrl}/oauth2/token`,
    hostname,
    instance: COUPA_DOMAINS.test(hostname) ? hostname.split('.')[0]! : hostname,
  };
}

/**
 * True for loopback host names as WHATWG URL parses them: `localhost`, 127.0.0.0/8 and `[::1]`.
 * (The URL parser already normalises forms like `127.1` and `0x7f.1` to dotted decimal.)
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

// Keeps configuration errors on one line and short.
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced
  const oneLine = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return oneLine.length > 100 ? `${oneLine.slice(0, 99)}…` : oneLine;
}
