import { catalog } from './objects';
import type { CatalogObject } from './types';

export { catalog } from './objects';
export * from './types';
export * from './operations';
export { OFFLINE_ACCESS_SCOPE, requiredScopes, scopesFor, type ScopeNeeds, type ScopesForOptions } from './scopes';

const byKey = new Map(catalog.map((o) => [o.key, o]));

/** The catalog entry for `key`, or undefined. Accepts dashed keys (`purchase-orders`) too. */
export function findObject(key: string): CatalogObject | undefined {
  return byKey.get(key.trim().toLowerCase().replace(/-/g, '_'));
}

/** The catalog entry for `key`; throws an error listing the known keys when there is none. */
export function getObject(key: string): CatalogObject {
  const found = findObject(key);
  if (!found) {
    throw new UnknownObjectError(key);
  }
  return found;
}

export class UnknownObjectError extends Error {
  override readonly name = 'Coupa.Validation';
  constructor(readonly key: string) {
    super(`Unknown Coupa object "${key}". Known objects: ${[...byKey.keys()].join(', ')}`);
  }
}
