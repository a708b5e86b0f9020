import type { CatalogObject } from '../../shared/catalog';
import { UsageError } from './usage';

/**
 * OAuth client credentials for CLI commands, from COUPA_CLIENT_ID / COUPA_CLIENT_SECRET (never flags:
 * flags end up in shell history and process lists). Scopes: COUPA_SCOPES, else what the objects need.
 */
export function credentialsFromEnv(objects: readonly CatalogObject[], access: 'read' | 'write' = 'read') {
  const clientId = process.env.COUPA_CLIENT_ID;
  const clientSecret = process.env.COUPA_CLIENT_SECRET;
  const missing = [!clientId && 'COUPA_CLIENT_ID', !clientSecret && 'COUPA_CLIENT_SECRET'].filter(Boolean);
  if (missing.length > 0) {
    throw new UsageError(`Set ${missing.join(' and ')} to the OAuth client of your Coupa instance (for the simulator: sim-client / sim-secret)`);
  }
  const scopes = process.env.COUPA_SCOPES?.split(/[\s,]+/).filter(Boolean) ?? [
    ...new Set(objects.flatMap((o) => (access === 'read' ? [o.scopes.read] : [o.scopes.read, o.scopes.write]))),
  ];
  return { clientId: clientId!, clientSecret: clientSecret!, scopes };
}

/** The instance name events carry: `acme` for acme.coupahost.com, `local` for a loopback simulator. */
export function instanceOf(hostname: string, resolved: string): string {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/.test(hostname) ? 'local' : resolved;
}
