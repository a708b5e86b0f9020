// The OAuth scopes a set of catalog objects needs. One function for the CLI's `auth login`, its
// defaults and anything else that asks Coupa for a client's scopes.
import { catalog } from './objects';
import type { CatalogObject } from './types';

export interface ScopesForOptions {
  /** Also the write scopes (creates, updates, special actions). @default false - read scopes only */
  readonly actions?: boolean;
}

/**
 * The scopes to read (and with `actions`, write) `objects`, without duplicates, in the order of
 * `objects`. Objects Coupa serves only under a parent (remit-to addresses) also need the parent's read
 * scope (pollers list the parents); objects created through a parent (PO lines) the parent's write scope.
 * `core.common.read` is not added here: the Coupa client always adds it (`normalizeScopes`).
 *
 * @example
 * scopesFor([getObject('invoices')], { actions: true }) // → ['core.invoice.read', 'core.invoice.write']
 */
export function scopesFor(objects: readonly CatalogObject[], options: ScopesForOptions = {}): string[] {
  const scopes: string[] = [];
  for (const o of objects) {
    scopes.push(o.scopes.read);
    const parent = o.parentParam && findObject(o.parentParam.parent);
    if (parent) scopes.push(parent.scopes.read);
    if (!options.actions) continue;
    scopes.push(o.scopes.write);
    const via = o.createVia && findObject(o.createVia.parent);
    if (via) scopes.push(via.scopes.write);
  }
  return [...new Set(scopes)];
}

const findObject = (key: string) => catalog.find((o) => o.key === key);
