// Time budgets of one token refresh, chosen together: the token-refresh function's timeout must cover
// the worst case (waiting for another refresher's lease, the token request, then storing the rotated
// refresh token and the access token with retries), so the function is never killed between minting
// a single-use refresh token and storing it. test/infra asserts the sum against the deployed timeout.

/** One attempt at Coupa's token endpoint, until response headers arrive. */
export const TOKEN_REQUEST_TIMEOUT_MS = 10_000;
/** The whole token request, a 429 wait and retry included (an abort signal). */
export const TOKEN_REQUEST_BUDGET_MS = 15_000;
/**
 * One AWS call (Secrets Manager, DynamoDB) by the refresher: its SDK clients' request timeout, with
 * one attempt per call (the SDK's own retries would multiply it; stores retry here instead).
 */
export const AWS_CALL_TIMEOUT_MS = 3_000;
/** Attempts at storing one secret, with backoff doubling from {@link STORE_BACKOFF_BASE_MS}. */
export const STORE_ATTEMPTS = 5;
export const STORE_BACKOFF_BASE_MS = 500;
/** No new store attempt starts after this long (so one store takes at most this + one call). */
export const STORE_BUDGET_MS = 12_000;
/** How long a refresher waits for another's lease before giving up (Tokens.RefreshBusy). */
export const LEASE_WAIT_MS = 20_000;
/** The token-refresh function's timeout. */
export const TOKEN_REFRESH_TIMEOUT_SECONDS = 90;
/**
 * How long a taken lease lasts: longer than the function can live, so a lease is only ever taken
 * over from a refresher that is surely dead.
 */
export const LEASE_MS = (TOKEN_REFRESH_TIMEOUT_SECONDS + 10) * 1000;

/**
 * The longest one refresh can take: the lease wait, lease and secret reads, the token request, two
 * stores with retries (the rotated refresh token, then the access token), the release.
 */
export function refreshWorstCaseMs(): number {
  const call = AWS_CALL_TIMEOUT_MS;
  const store = STORE_BUDGET_MS + call;
  // acquire + read token + read credentials + read pending + re-read credentials + save pending + release
  const calls = 7 * call;
  return LEASE_WAIT_MS + TOKEN_REQUEST_BUDGET_MS + 2 * store + calls;
}
