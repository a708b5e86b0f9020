// The OAuth scopes catalog objects need. `scopesFor` for a set of objects (the CLI's `auth login` and
// defaults); `requiredScopes` for a whole configuration (the CDK construct's RequiredScopes output and
// token default, `doctor`'s comparison with what a token was granted).
import { BASE_SCOPE } from '../coupa/auth/scopes';
import { getObject } from './index';
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

/** Coupa's scope for refresh tokens, which the authorization-code grant needs (3rd-party setups ask for it). */
export const OFFLINE_ACCESS_SCOPE = 'offline_access';

/** What a deployment does with which objects. Object keys are catalog keys. */
export interface ScopeNeeds {
  /** Objects read (pollers, doctor's reads). */
  readonly read?: readonly string[];
  /** Objects actions may read and write. */
  readonly write?: readonly string[];
  /** `authorization_code` adds `offline_access`, so Coupa hands out refresh tokens. @default 'client_credentials' */
  readonly grantType?: 'client_credentials' | 'authorization_code';
}

/**
 * Every scope a configuration needs, as the full list to grant and request: `core.common.read` first,
 * then {@link scopesFor} of the `read` objects, then of the `write` objects with actions, then
 * `offline_access` for authorization-code grants; without duplicates.
 *
 * @throws {UnknownObjectError} for a key that is not in the catalog.
 * @example
 * requiredScopes({ read: ['invoices'], write: ['suppliers'] })
 * // → ['core.common.read', 'core.invoice.read', 'core.supplier.read', 'core.supplier.write']
 */
export function requiredScopes(needs: ScopeNeeds): string[] {
  return [
    ...new Set([
      BASE_SCOPE,
      ...scopesFor((needs.read ?? []).map((key) => getObject(key))),
      ...scopesFor(
        (needs.write ?? []).map((key) => getObject(key)),
        { actions: true },
      ),
      ...(needs.grantType === 'authorization_code' ? [OFFLINE_ACCESS_SCOPE] : []),
    ]),
  ];
}
