// Scope lists as Coupa wants them: space-separated in requests, `core.common.read` always present.
import { CoupaConfigurationError } from '../errors';

/** Coupa's "core set-up entities" scope; every integration needs it. */
export const BASE_SCOPE = 'core.common.read';

/**
 * The scopes to request: `core.common.read` first, then the given ones in order, without duplicates.
 * Accepts a space-separated string too (as Coupa writes scope lists).
 *
 * @throws {CoupaConfigurationError} for empty or malformed scope names.
 * @example
 * normalizeScopes(['core.invoice.read', 'core.common.read']) // → ['core.common.read', 'core.invoice.read']
 */
export function normalizeScopes(scopes: readonly string[] | string | undefined): string[] {
  const list = typeof scopes === 'string' ? scopes.split(/\s+/).filter(Boolean) : [...(scopes ?? [])];
  for (const scope of list) {
    if (typeof scope !== 'string' || !/^[\x21-\x7e]+$/.test(scope) || scope.includes('"') || scope.includes('\\')) {
      throw new CoupaConfigurationError(
        `Invalid OAuth scope ${JSON.stringify(String(scope)).slice(0, 80)}: scopes are names like core.invoice.read, without spaces`,
      );
    }
  }
  return [...new Set([BASE_SCOPE, ...list])];
}
