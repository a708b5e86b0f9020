// The token secret `{accessToken, tokenType, expiresAt, scopes}` (expiresAt in epoch ms).
import { z } from 'zod';

export interface StoredToken {
  readonly accessToken: string;
  readonly tokenType: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly scopes: string[];
}

const schema = z.object({
  accessToken: z.string().min(1),
  tokenType: z.string().min(1),
  expiresAt: z.number().finite(),
  scopes: z.array(z.string()),
});

/**
 * The stored token, or undefined when the secret holds anything else (the deploy-time placeholder,
 * an older format): that simply means "no usable token yet", never an error.
 */
export function parseStoredToken(raw: unknown): StoredToken | undefined {
  const r = schema.safeParse(raw);
  return r.success ? r.data : undefined;
}

/** True when the token stays valid for more than `minValidityMs` after `nowMs`. */
export const validFor = (token: StoredToken, minValidityMs: number, nowMs: number): boolean =>
  token.expiresAt - nowMs > minValidityMs;
