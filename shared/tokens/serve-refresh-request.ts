// The token-refresh function's contract in one place: its event (a RefreshRequest, or the schedule's
// event) in, a RefreshOutcome out. Shared by the Lambda handler and the in-process refresher.
import { z } from 'zod';
import { TokenError } from './errors';
import { refreshStoredToken, type RefreshDeps, type RefreshInput } from './refresh-stored-token';
import type { RefreshOutcome, RefreshRequest } from './TokenRefresher';

/** Everything a refresh needs besides the request: the deployment's settings. */
export type RefreshSettings = Omit<RefreshInput, 'force' | 'rejectedTokenSha256'>;

// Unknown fields are ignored: the EventBridge schedule sends its own event.
const requestSchema = z.object({
  force: z.boolean().optional(),
  rejectedTokenSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

/** Parses the function's event; anything but an object (or nothing) is the scheduled run `{}`. */
export function parseRefreshRequest(event: unknown): RefreshRequest {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return {};
  const parsed = requestSchema.safeParse(event);
  // Our wording: the event is not secret, but a mistaken caller might have sent a token.
  if (!parsed.success) throw new TokenError('token refresh request must be {"force"?: boolean, "rejectedTokenSha256"?: "<64 hex digits>"}');
  return parsed.data;
}

/**
 * Runs one refresh request. Returns only whether a token was minted and until when the stored one is
 * valid: never the token.
 */
export async function serveRefreshRequest(deps: RefreshDeps, settings: RefreshSettings, event: unknown): Promise<RefreshOutcome> {
  const request = parseRefreshRequest(event);
  const { refreshed, token } = await refreshStoredToken(deps, {
    ...settings,
    force: request.force === true,
    ...(request.rejectedTokenSha256 ? { rejectedTokenSha256: request.rejectedTokenSha256 } : {}),
  });
  return { refreshed, expiresAt: new Date(token.expiresAt).toISOString() };
}
