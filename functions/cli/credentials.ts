import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { scopesFor, type CatalogObject } from '../../shared/catalog';
import { resolveHost, type CoupaCredentials } from '../../shared/coupa';
import { API_KEY_UNSUPPORTED, parseCredentials, type Credentials } from '../../shared/tokens/credentials';
import { UsageError } from './usage';

/** What a CLI command needs to reach Coupa: the host (from the credentials file, if any) and the OAuth client. */
export interface CliCredentials {
  /** The host the credentials file names; undefined for environment credentials. */
  readonly host?: string;
  readonly credentials: CoupaCredentials;
}

export interface CliCredentialsOptions {
  /** `--credentials FILE`: a credentials-secret JSON file (either grant); rotated refresh tokens are written back. */
  readonly file?: string;
  /** `--host`, when given: must agree with the file's host. */
  readonly host?: string;
  /** Whose scopes to ask for when neither the file nor COUPA_SCOPES names any. */
  readonly objects: readonly CatalogObject[];
  readonly access?: 'read' | 'write';
}

/**
 * The OAuth client for a CLI command: from `--credentials FILE` when given, else from the environment
 * (COUPA_CLIENT_ID / COUPA_CLIENT_SECRET; never flags, which end up in shell history and process lists).
 */
export async function loadCliCredentials(options: CliCredentialsOptions): Promise<CliCredentials> {
  if (options.file === undefined) return { credentials: credentialsFromEnv(options.objects, options.access) };
  const parsed = await readCredentialsFile(options.file);
  if (options.host !== undefined && !sameHost(options.host, parsed.host)) {
    throw new UsageError(`--host ${options.host} is not the host of ${options.file} (${parsed.host}): drop --host, or log in to that host`);
  }
  const file = options.file;
  return {
    host: parsed.host,
    credentials: {
      clientId: parsed.clientId,
      clientSecret: parsed.clientSecret,
      grantType: parsed.grantType,
      scopes: parsed.scopes ?? defaultScopes(options.objects, options.access),
      ...(parsed.refreshToken ? { refreshToken: parsed.refreshToken } : {}),
      // Coupa rotates refresh tokens: the old one stops working, so the file must keep the new one.
      onRefreshTokenRotated: (refreshToken) => updateCredentialsFile(file, { refreshToken }),
    },
  };
}

/** Reads and validates a credentials file; errors name the file and fields, never values. */
async function readCredentialsFile(file: string): Promise<Credentials> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--credentials ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}); create it with \`auth login\``,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UsageError(
      `--credentials ${file} is not JSON: it should hold {host, grantType, clientId, clientSecret, scopes, refreshToken?}`,
    );
  }
  return parseCredentials(file, raw);
}

/** Writes credentials (owner-only, atomically: a crash never leaves half a file and a lost refresh token). */
export async function writeCredentialsFile(file: string, credentials: Credentials): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600); // the mode above does not apply when the file already existed
  await rename(temp, file);
}

async function updateCredentialsFile(file: string, changes: Partial<Credentials>): Promise<void> {
  const current = JSON.parse(await readFile(file, 'utf8')) as Credentials;
  await writeCredentialsFile(file, { ...current, ...changes });
}

/**
 * OAuth client credentials from COUPA_CLIENT_ID / COUPA_CLIENT_SECRET. Scopes: COUPA_SCOPES, else what
 * the objects need.
 */
function credentialsFromEnv(objects: readonly CatalogObject[], access: 'read' | 'write' = 'read'): CoupaCredentials {
  const clientId = process.env.COUPA_CLIENT_ID;
  const clientSecret = process.env.COUPA_CLIENT_SECRET;
  if (process.env.COUPA_API_KEY && !(clientId && clientSecret)) throw new UsageError(`COUPA_API_KEY is set: ${API_KEY_UNSUPPORTED}`);
  const missing = [!clientId && 'COUPA_CLIENT_ID', !clientSecret && 'COUPA_CLIENT_SECRET'].filter(Boolean);
  if (missing.length > 0) {
    throw new UsageError(
      `Set ${missing.join(' and ')} to the OAuth client of your Coupa instance (for the simulator: sim-client / sim-secret), ` +
        'or pass --credentials FILE (see `auth login`)',
    );
  }
  const scopes = process.env.COUPA_SCOPES?.split(/[\s,]+/).filter(Boolean) ?? defaultScopes(objects, access);
  return { clientId: clientId!, clientSecret: clientSecret!, scopes };
}

const defaultScopes = (objects: readonly CatalogObject[], access: 'read' | 'write' = 'read'): string[] =>
  scopesFor(objects, { actions: access === 'write' });

function sameHost(a: string, b: string): boolean {
  try {
    return resolveHost(a).baseUrl === resolveHost(b).baseUrl;
  } catch {
    return false;
  }
}

/** The instance name events carry: `acme` for acme.coupahost.com, `local` for a loopback simulator. */
export function instanceOf(hostname: string, resolved: string): string {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/.test(hostname) ? 'local' : resolved;
}
