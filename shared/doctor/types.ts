// Shapes of a connection check: what it is given, and the one line per check it reports.
import type { FetchLike } from '../coupa';

/** `ok` and `warn` pass; `fail` makes the whole check fail; `skip` could not run (an earlier check failed). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/**
 * `host`: the host answers like Coupa. `grant`: the token request works. `granted`: the token's scopes
 * cover what the objects need. `scope`: one read per object. `clock`: Coupa's clock against ours.
 */
export type CheckName = 'host' | 'grant' | 'granted' | 'scope' | 'clock';

export interface CheckResult {
  readonly check: CheckName;
  readonly status: CheckStatus;
  /** One line for people; a failing one names its fix. Never holds a secret. */
  readonly message: string;
  /** The catalog key, for `scope` lines. */
  readonly object?: string;
}

export interface DoctorReport {
  /** False when any check failed. */
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

/** The OAuth client to check (the credentials secret's content). */
export interface DoctorCredentials {
  readonly grantType?: 'client_credentials' | 'authorization_code';
  readonly clientId: string;
  readonly clientSecret: string;
  /** Scopes to request; `core.common.read` is always added. */
  readonly scopes?: readonly string[];
  /** For `authorization_code`. */
  readonly refreshToken?: string;
}

export interface DoctorInput {
  /** Instance name, host or URL (see `resolveHost`). */
  readonly host: string;
  readonly credentials: DoctorCredentials;
  /** Catalog keys of the objects whose read scope to check, one read each. */
  readonly objects: readonly string[];
  /** Where the requested scopes are set, for fixes: `COUPA_SCOPES`, `scopes in creds.json`. */
  readonly scopesSetting?: string;
  /** What a person does about a dead refresh token. @default 'run `auth login` again' */
  readonly reloginHint?: string;
  /** Warn when Coupa's clock differs from ours by more than this. @default 60 */
  readonly clockSkewWarnSeconds?: number;
  /** Per request. @default 15000 */
  readonly timeoutMs?: number;
}

export interface DoctorDeps {
  /** @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** Local clock, epoch ms. @default Date.now */
  readonly now?: () => number;
  /**
   * Coupa rotated the refresh token during the check (authorization-code grants): persist it, the old
   * one no longer works. Awaited.
   */
  readonly onRefreshTokenRotated?: (refreshToken: string) => Promise<void> | void;
  /**
   * Where the token comes from instead of the token endpoint: a deployed stack's token refresher
   * (authorization-code grants, whose single-use refresh token only the refresher may spend). The
   * grant check then reports whether it could refresh.
   */
  readonly obtainToken?: () => Promise<{ readonly accessToken: string; readonly scopes: readonly string[]; readonly expiresAt: number }>;
}
