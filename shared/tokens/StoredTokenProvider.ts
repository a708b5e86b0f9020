// The Coupa client's TokenProvider for pollers and actions: reads the token secret (an in-memory cache
// that lives across warm invocations, single-flight loads) and never writes anything. When the stored
// token is missing, about to expire or rejected (401), it asks the token refresher, the only writer,
// and reads the secret again.
import type { GetTokenOptions, TokenProvider } from '../coupa/auth';
import { TokenError } from './errors';
import type { Logger } from '../logger';
import { readStoredToken } from './refresh-stored-token';
import type { SecretStore } from './SecretStore';
import { validFor, type StoredToken } from './stored-token';
import { tokenFingerprint } from './token-fingerprint';
import type { RefreshRequest, TokenRefresher } from './TokenRefresher';

export interface StoredTokenProviderDeps {
  /** Read only: the provider never writes a secret. */
  readonly secrets: SecretStore;
  readonly refresher: TokenRefresher;
  /** @default Date.now */
  readonly now?: () => number;
  /** Waits between re-reads of the token secret after a refresh. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: Logger;
}

export interface StoredTokenProviderOptions {
  readonly tokenSecretId: string;
  /** Host used when the stored token names none (the stack's configured host). */
  readonly defaultHost?: string;
  /**
   * Stop using a cached token this long before it expires: re-read the secret, and ask the refresher
   * if the scheduled refresh has not kept it fresh. @default 300000 (5 minutes)
   */
  readonly expiryMarginMs?: number;
}

/** Re-reads of the token secret after the refresher answered, in case the new value shows late. */
const REREADS = 3;

/**
 * @example
 * const tokens = new StoredTokenProvider({ secrets, refresher }, { tokenSecretId });
 * const client = createCoupaClient({ host: await tokens.host(), tokenProvider: tokens });
 */
export class StoredTokenProvider implements TokenProvider {
  #cached: StoredToken | undefined;
  #inflight: Promise<StoredToken> | undefined;
  readonly #marginMs: number;

  constructor(
    private readonly deps: StoredTokenProviderDeps,
    private readonly options: StoredTokenProviderOptions,
  ) {
    this.#marginMs = options.expiryMarginMs ?? 5 * 60_000;
  }

  /**
   * A bearer token. `forceRefresh` after a 401 replaces the rejected token (`rejectedToken`, else the
   * one last handed out) unless the secret already holds a different, unexpired one.
   */
  async getToken(opts: GetTokenOptions = {}): Promise<string> {
    return (await this.#token(opts)).accessToken;
  }

  /** The instance the token is for: the stored token's host, else `defaultHost`. */
  async host(): Promise<string> {
    const token = await this.#token({});
    const host = token.host ?? this.options.defaultHost;
    if (!host) {
      throw new TokenError(
        `token secret ${this.options.tokenSecretId} names no host and none is configured: invoke the token-refresh function with {"force":true}`,
      );
    }
    return host;
  }

  /** Forgets the cached token (e.g. after a credentials change). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #token(opts: GetTokenOptions): Promise<StoredToken> {
    const now = (this.deps.now ?? Date.now)();
    const cached = this.#cached;
    if (!opts.forceRefresh && cached && validFor(cached, this.#marginMs, now)) return cached;

    const rejected = opts.forceRefresh ? (opts.rejectedToken ?? cached?.accessToken) : undefined;
    if (opts.forceRefresh) this.#cached = undefined;
    // Join a load already in flight; its token will do unless it is the one just rejected.
    if (this.#inflight) {
      const joined = await this.#inflight;
      if (joined.accessToken !== rejected) return joined;
    }
    // A forced refresh without a known rejected token (nothing cached) refreshes unconditionally.
    const request: RefreshRequest = rejected
      ? { force: true, rejectedTokenSha256: tokenFingerprint(rejected) }
      : opts.forceRefresh
        ? { force: true }
        : {};
    this.#inflight ??= this.#load(rejected, request).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #load(rejected: string | undefined, request: RefreshRequest): Promise<StoredToken> {
    const now = this.deps.now ?? Date.now;
    const usable = (t: StoredToken | undefined, marginMs: number): t is StoredToken =>
      t !== undefined && t.accessToken !== rejected && validFor(t, marginMs, now());

    // Another container may already have had the rejected token replaced: then no refresh is needed.
    const unconditional = request.force === true && request.rejectedTokenSha256 === undefined;
    const stored = await this.#read();
    if (!unconditional && usable(stored, this.#marginMs)) return this.#keep(stored);

    let failure: unknown;
    try {
      await this.deps.refresher.refresh(request);
    } catch (error) {
      failure = error;
    }
    // The refresher stored the token (or found one good enough); read it. Re-read a few times in case
    // the new value shows late, but after a failure only once: it may still have stored a token.
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let read = 0; read < (failure ? 1 : REREADS); read++) {
      if (read > 0) await sleep(200 * 2 ** (read - 1));
      const fresh = await this.#read();
      if (usable(fresh, 0)) {
        if (failure)
          this.deps.logger?.warn('the token refresh failed, but the token secret holds a usable token', {
            error: (failure as Error).name,
          });
        return this.#keep(fresh);
      }
    }
    throw failure ?? new TokenError(`the token refresher answered, but token secret ${this.options.tokenSecretId} holds no usable token`);
  }

  #read(): Promise<StoredToken | undefined> {
    return readStoredToken(this.deps.secrets, this.options.tokenSecretId);
  }

  #keep(token: StoredToken): StoredToken {
    this.#cached = token; // only on success: a failed load leaves nothing cached
    return token;
  }
}
