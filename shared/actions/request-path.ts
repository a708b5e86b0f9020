// The path of a custom `request`, confined to the configured Coupa host's /api/. The client resolves
// the result against `{host}/api/`, so anything that could leave that prefix is refused here: URLs,
// `//host`, `..` (also percent-encoded), backslashes, control characters.

const MAX_PATH_CHARS = 2048;
/** What Coupa resource paths are made of (as the client checks them). */
const SEGMENT = /^[A-Za-z0-9_.~-]+$/;

/**
 * The path below `/api/` (no leading slash), or the reason it is refused.
 *
 * @example
 * requestPath('invoices/5/retrieve_image_scan') // → { path: 'invoices/5/retrieve_image_scan' }
 * requestPath('/api/suppliers/12')               // → { path: 'suppliers/12' }
 * requestPath('../oauth2/token')                 // → { problem: '... ".." ...' }
 * @internal
 */
export function requestPath(raw: string): { path: string } | { problem: string } {
  const refuse = (why: string) => ({
    problem: `must be a path under /api/ of the configured Coupa host (e.g. "invoices/5/retrieve_image_scan" or "/api/invoices/5"): ${why}`,
  });
  if (raw.length > MAX_PATH_CHARS) return refuse(`it is longer than ${MAX_PATH_CHARS} characters`);
  if (/[\p{Cc}\s]/u.test(raw)) return refuse('it holds whitespace or control characters');
  if (raw.includes('\\')) return refuse('it holds a backslash');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) return refuse('absolute URLs are not allowed; the request always goes to the configured host');
  if (raw.includes('//')) return refuse('"//" is not allowed (it can name another host)');
  if (/[?#]/.test(raw)) return refuse('put query parameters in "query", not in the path');
  if (raw.includes('%')) return refuse('percent-encoded characters are not allowed (they can hide "../"); Coupa paths do not need them');
  let rest: string;
  if (raw.startsWith('/')) {
    if (!raw.startsWith('/api/')) return refuse('a path starting with "/" must start with "/api/"');
    rest = raw.slice('/api/'.length);
  } else rest = raw.startsWith('api/') ? raw.slice('api/'.length) : raw;
  rest = rest.replace(/\/$/, '');
  if (rest === '') return refuse('it names no resource');
  for (const segment of rest.split('/')) {
    if (segment === '.' || segment === '..') return refuse('"." and ".." segments are not allowed');
    if (!SEGMENT.test(segment)) return refuse(`segment ${JSON.stringify(segment.slice(0, 40))} holds characters Coupa paths do not use`);
  }
  return { path: rest };
}
