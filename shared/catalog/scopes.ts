// The OAuth scopes a deployment needs, computed from what it is configured to do: one function, used
// by the CDK construct (its RequiredScopes output, the token functions' default), the CLI and `doctor`.
import { BASE_SCOPE } from '../coupa/auth/scopes';
import { getObject } from './index';

/** Coupa's scope for refresh tokens, which the authorization-code grant needs (3rd-party setups ask for it). */
export const OFFLINE_ACCESS_SCOPE = 'offline_access';

/** What a deployment does with which objects. Object keys are catalog keys. */
export interface ScopeNeeds {
  /** Objects read (pollers, doctor's reads): their read scopes. */
  readonly read?: readonly string[];
  /** Objects actions may read and write: their read and write scopes. */
  readonly write?: readonly string[];
  /** `authorization_code` adds `offline_access`, so Coupa hands out refresh tokens. @default 'client_credentials' */
  readonly grantType?: 'client_credentials' | 'authorization_code';
}

/**
 * The scopes to grant the OAuth client and request: `core.common.read` first, then the read scopes of
 * `read`, the read and write scopes of `write` (in order, without duplicates), then `offline_access`
 * for authorization-code grants.
 *
 * @throws {UnknownObjectError} for a key that is not in the catalog.
 * @example
 * scopesFor({ read: ['invoices'], write: ['suppliers'] })
 * // → ['core.common.read', 'core.invoice.read', 'core.supplier.read', 'core.supplier.write']
 */
export function scopesFor(needs: ScopeNeeds): string[] {
  const scopes = [BASE_SCOPE];
  for (const key of needs.read ?? []) scopes.push(getObject(key).scopes.read);
  for (const key of needs.write ?? []) scopes.push(getObject(key).scopes.read, getObject(key).scopes.write);
  if (needs.grantType === 'authorization_code') scopes.push(OFFLINE_ACCESS_SCOPE);
  return [...new Set(scopes)];
}
