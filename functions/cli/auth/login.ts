// The authorization-code login: listen on a loopback redirect URI, send the person to Coupa's
// authorization page, take the code from the redirect, trade it for a refresh token and store the
// credentials. Nothing secret is ever printed; only the authorization URL goes to stdout.
import { randomBytes } from 'node:crypto';
import { authorizationUrl, exchangeAuthorizationCode, resolveHost } from '../../../shared/coupa';
import type { Credentials } from '../../../shared/tokens/credentials';
import type { CliIo } from '../io';
import { LoginError } from './errors';
import { listenForCallback } from './loopback-callback';
import { openBrowser } from './open-browser';

export interface LoginOptions {
  readonly host: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Already normalised (`core.common.read` first); stored as requested. */
  readonly scopes: readonly string[];
  /** Loopback port of the redirect URI; 0 = any free port. */
  readonly port: number;
  readonly timeoutMs: number;
  readonly openBrowser: boolean;
  /** Where the credentials go, for messages: `.local/acme.json`, `secret arn:…`. */
  readonly target: string;
  /** A line for the person once the credentials are stored (what happens next). */
  readonly afterStore?: string;
  /** Stores the credentials (file or secret); the login succeeds only when this does. */
  store(credentials: Credentials): Promise<void>;
}

/** Runs the login; resolves with what was stored. Errors are {@link LoginError}s or Coupa errors. */
export async function loginWithAuthorizationCode(options: LoginOptions, io: CliIo): Promise<Credentials> {
  const host = resolveHost(options.host).baseUrl;
  const state = randomBytes(32).toString('base64url');
  const callback = await listenForCallback({ port: options.port, state, timeoutMs: options.timeoutMs });
  const url = authorizationUrl({ host, clientId: options.clientId, scopes: options.scopes, redirectUri: callback.redirectUri, state });
  io.out(url);
  io.err(`The Coupa OAuth client must have grant type "Authorization code" and this redirect URI: ${callback.redirectUri}`);
  if (options.openBrowser) {
    openBrowser(url, (reason) => io.err(`Could not open a browser (${reason}): open the URL above yourself.`));
    io.err('Opening your browser: sign in to Coupa and approve the request.');
  } else {
    io.err('Open the URL above in a browser, sign in to Coupa and approve the request.');
  }
  io.err(`Waiting up to ${Math.round(options.timeoutMs / 1000)} s for Coupa to redirect back…`);

  const code = await callback.code;
  try {
    const token = await exchangeAuthorizationCode(
      { host, clientId: options.clientId, clientSecret: options.clientSecret, scopes: [...options.scopes] },
      code,
      callback.redirectUri,
    );
    if (!token.refreshToken) {
      throw new LoginError(
        'Coupa answered without a refresh token: allow offline_access on the OAuth client (it is requested) and run auth login again',
      );
    }
    const credentials: Credentials = {
      host,
      grantType: 'authorization_code',
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scopes: [...options.scopes],
      refreshToken: token.refreshToken,
    };
    try {
      await options.store(credentials);
    } catch (error) {
      // The code is spent and the refresh token exists nowhere else: say so rather than leave a half login.
      throw new LoginError(
        `could not store the credentials in ${options.target} (${(error as Error).message}); nothing was kept: fix that and run auth login again`,
        { cause: error },
      );
    }
    const missing = options.scopes.filter((s) => !token.scopes.includes(s));
    if (missing.length > 0)
      io.err(`Warning: Coupa did not grant ${missing.join(' ')}; calls that need them will fail with Coupa.Forbidden.`);
    io.err(`Signed in to ${host}: credentials (authorization_code, refresh token) stored in ${options.target}.`);
    if (options.afterStore) io.err(options.afterStore);
    await callback.finish({ ok: true, message: `Signed in. The credentials are stored in ${options.target}. You can close this tab.` });
    return credentials;
  } catch (error) {
    await callback.finish({ ok: false, message: `${(error as Error).message}. See the terminal running auth login.` });
    throw error;
  }
}
