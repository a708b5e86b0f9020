// A one-way name for a token: what crosses process boundaries (the refresher's payload, the lease
// table) when a token must be identified but never revealed. SHA-256 of a high-entropy random token
// cannot be turned back into it.
import { createHash } from 'node:crypto';

/** Hex SHA-256 of the token's UTF-8 bytes. */
export const tokenFingerprint = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
