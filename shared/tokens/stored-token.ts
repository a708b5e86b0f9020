// The token secret `{accessToken, tokenType, expiresAt, scopes, host}` (expiresAt in epoch ms). `host`
// is the instance the token was minted for: consumers read it here, so they need no access to the
// credentials secret (which holds the client secret).
import { z } from 'zod';

export interface StoredToken {
  readonly accessToken: string;
  readonly tokenType: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly scopes: string[];
  /** Base URL of the instance (tokens written before this field existed have none). */
  readonly host?: string;
}

const schema = z.object({
  accessToken: z.string().min(1),
  tokenType: z.string().min(1),
  expiresAt: z.number().finite(),
  scopes: z.array(z.string()),
  host: z.string().min(1).optional(),
});

/**
 * The stored token, or undefined when the secret holds anything else (the deploy-time placeholder,
 * an older format): that simply means "no usable token yet", never an error.
 */
export function parseStoredToken(raw: unknown): StoredToken | undefined {
  const r = schema.safeParse(raw);
  if (!r.success) return undefined;
  const { host, ...token } = r.data;
  return host ? { ...token, host } : token;
}

/** True when the token stays valid for more than `minValidityMs` after `nowMs`. */
export const validFor = (token: StoredToken, minValidityMs: number, nowMs: number): boolean => token.expiresAt - nowMs > minValidityMs;
