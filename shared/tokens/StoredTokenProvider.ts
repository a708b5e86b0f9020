// The Coupa client's TokenProvider backed by the token secret: an in-memory cache that lives across
// warm invocations, single-flight loads, and one refresh per rejected token (401).
import type { GetTokenOptions, TokenProvider } from '../coupa/auth';
import type { GrantType } from './credentials';
import { refreshStoredToken, type RefreshDeps, type RefreshInput } from './refresh-stored-token';
import type { StoredToken } from './stored-token';

export interface StoredTokenProviderOptions {
  readonly credentialsSecretId: string;
  readonly tokenSecretId: string;
  /** Host used when the credentials secret has none. */
  readonly defaultHost?: string;
  /** See {@link RefreshInput.defaultScopes}. */
  readonly defaultScopes?: readonly string[];
  /** See {@link RefreshInput.expectedGrantType}. */
  readonly expectedGrantType?: GrantType;
  /**
   * Stop using a cached token this long before it expires: re-read the secret, and refresh inline
   * if the scheduled refresh has not kept it fresh. @default 300000 (5 minutes)
   */
  readonly expiryMarginMs?: number;
}

/**
 * @example
 * const tokens = new StoredTokenProvider({ secrets, requestToken }, { credentialsSecretId, tokenSecretId });
 * const client = createCoupaClient({ host, tokenProvider: tokens });
 */
export class StoredTokenProvider implements TokenProvider {
  #cached: StoredToken | undefined;
  #inflight: Promise<StoredToken> | undefined;
  readonly #marginMs: number;

  constructor(
    private readonly deps: RefreshDeps,
    private readonly options: StoredTokenProviderOptions,
  ) {
    this.#marginMs = options.expiryMarginMs ?? 5 * 60_000;
  }

  /**
   * A bearer token. `forceRefresh` after a 401 replaces the rejected token (`rejectedToken`, else the
   * one last handed out) unless the secret already holds a different, valid one.
   */
  async getToken(opts: GetTokenOptions = {}): Promise<string> {
    const now = (this.deps.now ?? Date.now)();
    const cached = this.#cached;
    if (!opts.forceRefresh && cached && cached.expiresAt - now > this.#marginMs) return cached.accessToken;

    const rejected = opts.forceRefresh ? (opts.rejectedToken ?? cached?.accessToken) : undefined;
    if (opts.forceRefresh) this.#cached = undefined;
    // Join a load already in flight; its token will do unless it is the one just rejected.
    if (this.#inflight) {
      const joined = await this.#inflight;
      if (joined.accessToken !== rejected) return joined.accessToken;
    }
    // A forced refresh without a known rejected token (nothing cached) refreshes unconditionally.
    const force = opts.forceRefresh === true && rejected === undefined;
    this.#inflight ??= this.#load(rejected, force).finally(() => {
      this.#inflight = undefined;
    });
    return (await this.#inflight).accessToken;
  }

  /** Forgets the cached token (e.g. after a credentials change). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #load(rejectedAccessToken: string | undefined, force: boolean): Promise<StoredToken> {
    const { token } = await refreshStoredToken(this.deps, {
      credentialsSecretId: this.options.credentialsSecretId,
      tokenSecretId: this.options.tokenSecretId,
      minValidityMs: this.#marginMs,
      force,
      ...(rejectedAccessToken ? { rejectedAccessToken } : {}),
      ...(this.options.defaultHost ? { defaultHost: this.options.defaultHost } : {}),
      ...(this.options.defaultScopes ? { defaultScopes: this.options.defaultScopes } : {}),
      ...(this.options.expectedGrantType ? { expectedGrantType: this.options.expectedGrantType } : {}),
    });
    this.#cached = token; // only on success: a failed load leaves nothing cached
    return token;
  }
}
