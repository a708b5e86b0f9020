/**
 * Port: the lease that makes token refreshes one at a time across every process (scheduled runs,
 * 401-triggered invokes, retries), and the place a rotated refresh token waits when the credentials
 * secret could not take it. Adapters: shared/adapters/aws/DynamoRefreshLease (a table only the
 * token-refresh function may use) and shared/adapters/local/MemoryRefreshLease.
 */
export interface RefreshLease {
  /**
   * Takes the lease for `owner` until `untilMs` when it is free, expired at `nowMs`, or already
   * `owner`'s. False when another owner holds it.
   */
  acquire(owner: string, nowMs: number, untilMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` still holds it (an expired lease taken over is left alone). */
  release(owner: string): Promise<void>;
  /** The refresh token kept by {@link savePending}, if any. */
  readPending(): Promise<PendingRefreshToken | undefined>;
  /** Keeps a rotated refresh token the credentials secret refused, for the next refresh. */
  savePending(pending: PendingRefreshToken): Promise<void>;
  clearPending(): Promise<void>;
}

/** A rotated refresh token waiting to reach the credentials secret. `refreshToken` is secret. */
export interface PendingRefreshToken {
  readonly refreshToken: string;
  /**
   * Fingerprint of the refresh token the credentials secret held when this one replaced it: the
   * pending token is used only while the secret still holds that one (a later `auth login` wins).
   */
  readonly replacesSha256: string;
}
