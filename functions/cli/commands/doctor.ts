import { parseArgs } from 'node:util';
import { findObject, requiredScopes, UnknownObjectError, type CatalogObject } from '../../../shared/catalog';
import { diagnose, formatReport, type DoctorCredentials, type DoctorDeps, type DoctorInput } from '../../../shared/doctor';
import { parseCredentials } from '../../../shared/tokens/credentials';
import { loadCliCredentials } from '../credentials';
import type { CliIo } from '../io';
import { intFlag, UsageError } from '../usage';

const DEFAULT_OBJECTS = 'invoices,purchase_orders,suppliers';

/**
 * Tests the connection to Coupa: `doctor --host acme [--objects invoices] [--credentials FILE | --secret-id ARN]`.
 * One line per check on stdout (or `--json`); exit 1 when any check fails. The checks live in
 * shared/doctor; this only gathers the credentials: a local file or the environment, or a deployed
 * stack's credentials secret (`--secret-id`), read with the caller's AWS credentials.
 */
export async function doctorCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string' },
      objects: { type: 'string', default: DEFAULT_OBJECTS },
      credentials: { type: 'string' },
      'secret-id': { type: 'string' },
      json: { type: 'boolean', default: false },
      'clock-skew-seconds': { type: 'string' },
      'timeout-seconds': { type: 'string' },
    },
  });
  const objects = values.objects.split(',').map((k) => k.trim()).filter(Boolean).map(objectFlag);
  if (objects.length === 0) throw new UsageError('--objects needs at least one catalog key, e.g. invoices');
  if (values.credentials && values['secret-id']) throw new UsageError('give --credentials FILE or --secret-id ARN, not both');
  const clockSkewWarnSeconds = intFlag('clock-skew-seconds', values['clock-skew-seconds'], { min: 1 });
  const timeoutSeconds = intFlag('timeout-seconds', values['timeout-seconds'], { min: 1, max: 300 });
  const keys = objects.map((o) => o.key);

  const target = values['secret-id']
    ? await fromSecret(values['secret-id'], values.host, keys)
    : await fromLocal(values.credentials, values.host, objects);
  const input: DoctorInput = {
    ...target.input,
    objects: keys,
    ...(clockSkewWarnSeconds === undefined ? {} : { clockSkewWarnSeconds }),
    ...(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 }),
  };
  const report = await diagnose(input, target.deps);
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) io.out(line);
  return report.ok ? 0 : 1;
}

function objectFlag(key: string): CatalogObject {
  const object = findObject(key);
  if (!object) throw new UsageError(new UnknownObjectError(key).message);
  return object;
}

interface Target {
  readonly input: Omit<DoctorInput, 'objects'>;
  readonly deps: DoctorDeps;
}

async function fromLocal(file: string | undefined, host: string | undefined, objects: readonly CatalogObject[]): Promise<Target> {
  if (!host && !file) {
    throw new UsageError('--host is required: the Coupa instance (acme, acme.coupahost.com or a URL), or --credentials FILE, which names its host');
  }
  const login = await loadCliCredentials({ file, host, objects });
  const { onRefreshTokenRotated, ...c } = login.credentials;
  return {
    input: {
      host: (host ?? login.host)!,
      credentials: credentialsOf(c),
      scopesSetting: file ? `"scopes" in ${file}` : 'COUPA_SCOPES',
    },
    deps: onRefreshTokenRotated ? { onRefreshTokenRotated } : {},
  };
}

/** A deployed stack's credentials secret; a rotated refresh token goes back into it, other fields kept. */
async function fromSecret(secretId: string, defaultHost: string | undefined, keys: readonly string[]): Promise<Target> {
  // Loaded here only: the other commands never need the AWS SDK.
  const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  const { SecretsManagerSecretStore } = require('../../../shared/adapters/aws/SecretsManagerSecretStore') as typeof import('../../../shared/adapters/aws/SecretsManagerSecretStore');
  const store = new SecretsManagerSecretStore(new SecretsManagerClient({}));
  const raw = await store.getJson(secretId);
  // --host plays the stack's `host` prop: used when the secret has none, as the deployed functions do.
  const parsed = parseCredentials(secretId, raw, defaultHost);
  // An empty list means "the stack's scopes" (what the deployed functions then request).
  const scopes = parsed.scopes?.length ? parsed.scopes : requiredScopes({ read: keys });
  return {
    input: {
      host: parsed.host,
      credentials: credentialsOf({ ...parsed, scopes }),
      scopesSetting: '"scopes" in the credentials secret',
      reloginHint: 'run `auth login` again and store the new refreshToken in the credentials secret',
    },
    deps: {
      onRefreshTokenRotated: async (refreshToken) => {
        // Re-read: keep whatever else changed meanwhile; only the refresh token rotates.
        const current = (await store.getJson(secretId)) as Record<string, unknown>;
        await store.putJson(secretId, { ...current, refreshToken });
      },
    },
  };
}

function credentialsOf(c: { grantType?: DoctorCredentials['grantType']; clientId: string; clientSecret: string; scopes?: readonly string[] | undefined; refreshToken?: string }): DoctorCredentials {
  return {
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    ...(c.grantType ? { grantType: c.grantType } : {}),
    ...(c.scopes ? { scopes: c.scopes } : {}),
    ...(c.refreshToken ? { refreshToken: c.refreshToken } : {}),
  };
}
