import { parseArgs } from 'node:util';
import { requiredScopes, type CatalogObject } from '../../../shared/catalog';
import { diagnose, formatReport, type DoctorCredentials, type DoctorDeps, type DoctorInput } from '../../../shared/doctor';
import { parseCredentials } from '../../../shared/tokens/credentials';
import { readStoredToken } from '../../../shared/tokens/refresh-stored-token';
import type { SecretStore } from '../../../shared/tokens/SecretStore';
import type { StoredToken } from '../../../shared/tokens/stored-token';
import { loadCliCredentials } from '../credentials';
import { DEFAULT_OBJECTS } from '../defaults';
import type { CliIo } from '../io';
import { intFlag, objectsFlag, UsageError } from '../usage';

/**
 * Tests the connection to Coupa: `doctor --host acme [--objects invoices] [--credentials FILE | --secret-id ARN
 * [--refresh-function NAME --token-secret-id ARN]]`.
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
      'refresh-function': { type: 'string' },
      'token-secret-id': { type: 'string' },
      json: { type: 'boolean', default: false },
      'clock-skew-seconds': { type: 'string' },
      'timeout-seconds': { type: 'string' },
    },
  });
  const objects = objectsFlag(values.objects);
  if (values.credentials && values['secret-id']) throw new UsageError('give --credentials FILE or --secret-id ARN, not both');
  const clockSkewWarnSeconds = intFlag('clock-skew-seconds', values['clock-skew-seconds'], { min: 1 });
  const timeoutSeconds = intFlag('timeout-seconds', values['timeout-seconds'], { min: 1, max: 300 });
  const keys = objects.map((o) => o.key);

  const refresher =
    values['refresh-function'] || values['token-secret-id']
      ? deployedRefresher(values['refresh-function'], values['token-secret-id'])
      : undefined;
  if (refresher && !values['secret-id']) throw new UsageError('--refresh-function and --token-secret-id go with --secret-id');
  const target = values['secret-id']
    ? await fromSecret(values['secret-id'], values.host, keys, refresher)
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

interface Target {
  readonly input: Omit<DoctorInput, 'objects'>;
  readonly deps: DoctorDeps;
}

async function fromLocal(file: string | undefined, host: string | undefined, objects: readonly CatalogObject[]): Promise<Target> {
  if (!host && !file) {
    throw new UsageError(
      '--host is required: the Coupa instance (acme, acme.coupahost.com or a URL), or --credentials FILE, which names its host',
    );
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

interface DeployedRefresher {
  readonly functionName: string;
  readonly tokenSecretId: string;
}

function deployedRefresher(functionName: string | undefined, tokenSecretId: string | undefined): DeployedRefresher {
  if (!functionName || !tokenSecretId) {
    throw new UsageError(
      'give both --refresh-function NAME and --token-secret-id ARN (stack outputs TokenRefreshFunctionName and TokenSecretArn)',
    );
  }
  return { functionName, tokenSecretId };
}

/**
 * A deployed stack's credentials secret, read only. Client-credentials grants are checked at the token
 * endpoint. An authorization-code grant's refresh token is single use and belongs to the stack's
 * token-refresh function (a refresh here would race it and could lock it out), so doctor asks that
 * function to refresh (`--refresh-function`) and reads the token it stored (`--token-secret-id`).
 */
async function fromSecret(
  secretId: string,
  defaultHost: string | undefined,
  keys: readonly string[],
  refresher: DeployedRefresher | undefined,
): Promise<Target> {
  // Loaded here only: the other commands never need the AWS SDK.
  const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  const { SecretsManagerSecretStore } =
    require('../../../shared/adapters/aws/SecretsManagerSecretStore') as typeof import('../../../shared/adapters/aws/SecretsManagerSecretStore');
  const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
  const store = new SecretsManagerSecretStore(new SecretsManagerClient(region ? { region } : {}));
  const raw = await store.getJson(secretId);
  // --host plays the stack's `host` prop: used when the secret has none, as the deployed functions do.
  const parsed = parseCredentials(secretId, raw, defaultHost);
  // An empty list means "the stack's scopes" (what the deployed functions then request).
  const scopes = parsed.scopes?.length ? parsed.scopes : requiredScopes({ read: keys });
  const input = {
    host: parsed.host,
    credentials: credentialsOf({ ...parsed, scopes }),
    scopesSetting: '"scopes" in the credentials secret',
    reloginHint: `run \`auth login --secret-id ${secretId}\` again`,
  };
  if (parsed.grantType !== 'authorization_code') return { input, deps: {} };
  if (!refresher) {
    throw new UsageError(
      `${secretId} holds an authorization-code grant: its refresh token is single use and only the stack's token-refresh function may spend it. ` +
        'Give --refresh-function NAME --token-secret-id ARN (stack outputs TokenRefreshFunctionName and TokenSecretArn): doctor then asks that function to refresh',
    );
  }
  return { input, deps: { obtainToken: () => refreshThroughFunction(refresher, store) } };
}

/** Asks the deployed token-refresh function for a new token (forced) and reads what it stored. */
async function refreshThroughFunction(refresher: DeployedRefresher, store: SecretStore): Promise<StoredToken> {
  const { LambdaClient } = require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda');
  const { LambdaTokenRefresher } =
    require('../../../shared/adapters/aws/LambdaTokenRefresher') as typeof import('../../../shared/adapters/aws/LambdaTokenRefresher');
  const region = /^arn:[^:]+:lambda:([^:]+):/.exec(refresher.functionName)?.[1];
  await new LambdaTokenRefresher(new LambdaClient(region ? { region } : {}), refresher.functionName).refresh({ force: true });
  const token = await readStoredToken(store, refresher.tokenSecretId);
  if (!token)
    throw new Error(`the token-refresh function answered, but ${refresher.tokenSecretId} holds no token: check --token-secret-id`);
  return token;
}

function credentialsOf(c: {
  grantType?: DoctorCredentials['grantType'];
  clientId: string;
  clientSecret: string;
  scopes?: readonly string[] | undefined;
  refreshToken?: string;
}): DoctorCredentials {
  return {
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    ...(c.grantType ? { grantType: c.grantType } : {}),
    ...(c.scopes ? { scopes: c.scopes } : {}),
    ...(c.refreshToken ? { refreshToken: c.refreshToken } : {}),
  };
}
