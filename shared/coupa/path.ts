// Resource paths as the client accepts them: `invoices`, `/invoices`, `/api/invoices/12/submit`.
// Checked so that a path cannot smuggle a query, climb out of /api or hit another host.
import { CoupaValidationError } from './errors';

const SEGMENT = /^[A-Za-z0-9_.~-]+$/;

/**
 * The path below `/api/`, without leading or trailing slashes: `/api/invoices/` → `invoices`.
 *
 * @throws {CoupaValidationError} for empty paths, queries (`?`), `..`, placeholders like `{id}` or
 *   other characters that do not belong in a Coupa resource path.
 */
export function normalizeResourcePath(path: string): string {
  if (typeof path !== 'string') throw invalidPath(String(path), 'it must be a string such as "invoices"');
  const trimmed = path
    .trim()
    .replace(/^\/+/, '')
    .replace(/^api\//i, '')
    .replace(/\/+$/, '');
  if (trimmed === '') throw invalidPath(path, 'it is empty');
  if (/[?#]/.test(trimmed)) throw invalidPath(path, 'pass query parameters in the query option, not in the path');
  if (/[{}]/.test(trimmed)) throw invalidPath(path, 'fill in placeholders such as {id} first');
  for (const segment of trimmed.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || !SEGMENT.test(segment)) {
      throw invalidPath(path, 'segments may hold letters, digits, "_", "-", "." and "~" only');
    }
  }
  return trimmed;
}

/**
 * A record id as a path segment. Coupa ids are positive integers; strings are accepted for natural
 * keys some endpoints take, and are URL-encoded.
 */
export function idSegment(id: number | string): string {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id) || id < 1) throw new CoupaValidationError(`Invalid Coupa record id ${id}: ids are positive integers`);
    return String(id);
  }
  if (typeof id !== 'string' || id.trim() === '' || id === '.' || id === '..' || id.includes('/')) {
    throw new CoupaValidationError(`Invalid Coupa record id ${JSON.stringify(String(id)).slice(0, 60)}`);
  }
  return encodeURIComponent(id.trim());
}

function invalidPath(path: string, why: string): CoupaValidationError {
  return new CoupaValidationError(`Invalid Coupa API path ${JSON.stringify(path.slice(0, 100))}: ${why}`);
}
