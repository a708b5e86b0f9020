import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { config } from '../../../infra/config';
import { getObject, scopesFor } from '../../../shared/catalog';
import { CoupaConfigurationError, normalizeScopes, resolveHost } from '../../../shared/coupa';
import type { Credentials } from '../../../shared/tokens/credentials';
import { checkCredentialsSecret, secretsManagerStore } from '../auth/credentials-secret';
import { loginWithAuthorizationCode } from '../auth/login';
import { writeCredentialsFile } from '../credentials';
import type { CliIo } from '../io';
import { intFlag, UsageError } from '../usage';

/** The loopback port of the redirect URI `http://127.0.0.1:8976/callback` registered on the Coupa client. */
export const DEFAULT_LOGIN_PORT = 8976;
export const DEFAULT_LOGIN_TIMEOUT_SECONDS = 300;
/** Asked for on every login: without it Coupa may issue no refresh token. */
export const OFFLINE_ACCESS = 'offline_access';

/** `auth login`: authorization-code onboarding. `auth` has no other subcommand yet. */
export async function authCommand(args: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'login') {
    throw new UsageError(
      `${subcommand ? `Unknown auth subcommand "${subcommand}"` : 'auth needs a subcommand'}: auth login --host URL (--out FILE | --secret-id ARN)`,
    );
  }
  return loginCommand(rest, io);
}

async function loginCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string' },
      objects: { type: 'string' },
      scopes: { type: 'string' },
      port: { type: 'string' },
      'timeout-seconds': { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
      out: { type: 'string' },
      'secret-id': { type: 'string' },
    },
  });
  if (!values.host) throw new UsageError('--host is required: the Coupa instance (acme, acme.coupahost.com or its URL)');
  const host = resolveHost(values.host).baseUrl;
  if ((values.out === undefined) === (values['secret-id'] === undefined)) {
    throw new UsageError(
      'give one of --out FILE (a credentials file for --credentials) or --secret-id ARN (the deployed stack’s credentials secret)',
    );
  }
  if (values.out === '-' || values.out === '')
    throw new UsageError('--out must name a file: the credentials are secret and are never printed');
  const port = intFlag('port', values.port, { max: 65_535 }) ?? DEFAULT_LOGIN_PORT;
  const timeoutSeconds = intFlag('timeout-seconds', values['timeout-seconds'], { min: 1, max: 3_600 }) ?? DEFAULT_LOGIN_TIMEOUT_SECONDS;
  const scopes = loginScopes(values.objects, values.scopes);
  const client = clientFromEnv();

  let target: string;
  let afterStore: string | undefined;
  let store: (credentials: Credentials) => Promise<void>;
  if (values.out !== undefined) {
    const file = values.out;
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    target = file;
    store = (credentials) => writeCredentialsFile(file, credentials);
  } else {
    const secretId = values['secret-id']!;
    const secrets = secretsManagerStore(secretId);
    await checkCredentialsSecret(secrets, secretId, host);
    target = `secret ${secretId}`;
    store = (credentials) => secrets.putJson(secretId, credentials);
    // The login spends nothing more: the stack's token-refresh function, the only writer of tokens,
    // mints the first access token (and rotates the refresh token) when it next runs or is asked.
    afterStore =
      "The stack's token-refresh function mints the first access token on its schedule or at the first poll; to do it now: " +
      'aws lambda invoke --function-name <TokenRefreshFunctionName> --cli-binary-format raw-in-base64-out --payload \'{"force":true}\' /dev/stdout';
  }
  await loginWithAuthorizationCode(
    {
      host,
      ...client,
      scopes,
      port,
      timeoutMs: timeoutSeconds * 1000,
      openBrowser: !values['no-browser'],
      target,
      store,
      ...(afterStore ? { afterStore } : {}),
    },
    io,
  );
  return 0;
}

/**
 * `core.common.read`, `offline_access`, then the read and write scopes of `--objects`, the `--scopes`
 * given, or (neither given) those of the objects the example app deploys (infra/config.ts).
 */
export function loginScopes(objects: string | undefined, scopes: string | undefined): string[] {
  const keys =
    objects
      ?.split(',')
      .map((k) => k.trim())
      .filter(Boolean) ?? [];
  const named = scopes?.split(/[\s,]+/).filter(Boolean) ?? [];
  const fromObjects = keys.length > 0 || named.length > 0 ? keys.map((k) => getObject(k)) : config.objects.map((o) => getObject(o.object));
  try {
    return normalizeScopes([OFFLINE_ACCESS, ...scopesFor(fromObjects, { actions: true }), ...named]);
  } catch (error) {
    if (error instanceof CoupaConfigurationError) throw new UsageError(`--scopes: ${error.message}`);
    throw error;
  }
}

/** The OAuth client from the environment only: flags end up in shell history and process lists. */
function clientFromEnv(): { clientId: string; clientSecret: string } {
  const clientId = process.env.COUPA_CLIENT_ID?.trim();
  const clientSecret = process.env.COUPA_CLIENT_SECRET?.trim();
  const missing = [!clientId && 'COUPA_CLIENT_ID', !clientSecret && 'COUPA_CLIENT_SECRET'].filter(Boolean);
  if (missing.length > 0) {
    throw new UsageError(
      `Set ${missing.join(' and ')}: the Identifier and Secret of the Coupa OAuth2/OpenID Connect client (grant type Authorization code), ` +
        'in the environment, never as flags',
    );
  }
  return { clientId: clientId!, clientSecret: clientSecret! };
}
