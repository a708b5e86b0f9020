// The action and command functions' environment (set by CoupaConnector, see infra/Actions.ts), parsed
// once at cold start. Every problem is reported at once, each naming its variable.
import { z } from 'zod';
import { defaultSource, INSTANCE_NAME } from '../../shared/events';
import type { TokenConsumerConfig } from './tokens';
import { integer, optional, required } from './env';

/** Idempotency records live this long unless IDEMPOTENCY_EXPIRY_SECONDS says otherwise (24 h). */
export const DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS = 86_400;
/** Bounds of IDEMPOTENCY_EXPIRY_SECONDS: one minute to 30 days. */
export const MIN_IDEMPOTENCY_EXPIRY_SECONDS = 60;
export const MAX_IDEMPOTENCY_EXPIRY_SECONDS = 30 * 86_400;
/**
 * Results larger than this (as JSON, UTF-8) are claim-checked to the payload bucket: Step Functions
 * refuses state outputs over 256 KB, an EventBridge entry may not exceed 256 KB, and the stored
 * idempotency record must stay under DynamoDB's 400 KB item limit.
 */
export const DEFAULT_RESULT_INLINE_LIMIT_BYTES = 200 * 1024;
export const MIN_RESULT_INLINE_LIMIT_BYTES = 1024;
export const MAX_RESULT_INLINE_LIMIT_BYTES = 240 * 1024;

export interface ActionConfig {
  readonly instance: string;
  /** DynamoDB table of Powertools idempotency records (partition key `id`, TTL `expiration`). */
  readonly idempotencyTable: string;
  readonly idempotencyExpirySeconds: number;
  /** Claim-check bucket for large results; without it, results are returned whole. */
  readonly payloadBucket?: string;
  readonly payloadPrefix?: string;
  readonly resultInlineLimitBytes: number;
  /** Buckets `attach` may read files from (ATTACHMENT_SOURCE_BUCKETS, plus the payload bucket). */
  readonly attachmentSourceBuckets: readonly string[];
  /** Command function only: where result events go, and their `Source`. */
  readonly eventBusName?: string;
  readonly eventSource: string;
  readonly tokens: TokenConsumerConfig;
}

const schema = z.object({
  INSTANCE: required('the Coupa instance name').regex(INSTANCE_NAME, 'must be lowercase letters, digits and dashes'),
  IDEMPOTENCY_TABLE: required('the DynamoDB idempotency table name'),
  IDEMPOTENCY_EXPIRY_SECONDS: optional(integer(MIN_IDEMPOTENCY_EXPIRY_SECONDS, MAX_IDEMPOTENCY_EXPIRY_SECONDS)),
  PAYLOAD_BUCKET: optional(z.string().trim()),
  PAYLOAD_PREFIX: optional(z.string().trim()),
  RESULT_INLINE_LIMIT_BYTES: optional(integer(MIN_RESULT_INLINE_LIMIT_BYTES, MAX_RESULT_INLINE_LIMIT_BYTES)),
  ATTACHMENT_SOURCE_BUCKETS: optional(
    z
      .string()
      .trim()
      .transform((v) =>
        v
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be comma-separated S3 bucket names'))),
  ),
  EVENT_BUS_NAME: optional(z.string().trim()),
  EVENT_SOURCE: optional(
    z
      .string()
      .trim()
      .max(256, 'must be at most 256 characters')
      .refine((s) => !s.startsWith('aws.'), 'may not start with "aws." (reserved by AWS)'),
  ),
  TOKEN_SECRET_ARN: required('the token secret ARN (CoupaConnector.tokenEnvironment)'),
  TOKEN_REFRESH_FUNCTION: required('the token-refresh function name (CoupaConnector.tokenEnvironment)'),
  COUPA_HOST: optional(z.string().trim()),
});

/** Thrown at cold start when the environment is unusable; the message lists every variable at fault. */
export class ActionConfigError extends Error {
  override readonly name = 'ActionConfigError';
}

/** Reads and validates the action/command environment. `needsBus`: the command function also needs EVENT_BUS_NAME. */
export function actionConfigFromEnv(env: NodeJS.ProcessEnv = process.env, options: { needsBus?: boolean } = {}): ActionConfig {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);
  if (parsed.success && options.needsBus && !parsed.data.EVENT_BUS_NAME) {
    problems.push('EVENT_BUS_NAME: is required (the bus that receives Coupa Command results)');
  }
  if (!parsed.success || problems.length > 0) {
    throw new ActionConfigError(`Action environment is not valid: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    instance: e.INSTANCE,
    idempotencyTable: e.IDEMPOTENCY_TABLE,
    idempotencyExpirySeconds: e.IDEMPOTENCY_EXPIRY_SECONDS ?? DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS,
    ...(e.PAYLOAD_BUCKET ? { payloadBucket: e.PAYLOAD_BUCKET } : {}),
    ...(e.PAYLOAD_PREFIX ? { payloadPrefix: e.PAYLOAD_PREFIX } : {}),
    resultInlineLimitBytes: e.RESULT_INLINE_LIMIT_BYTES ?? DEFAULT_RESULT_INLINE_LIMIT_BYTES,
    attachmentSourceBuckets: [...new Set([...(e.ATTACHMENT_SOURCE_BUCKETS ?? []), ...(e.PAYLOAD_BUCKET ? [e.PAYLOAD_BUCKET] : [])])],
    ...(e.EVENT_BUS_NAME ? { eventBusName: e.EVENT_BUS_NAME } : {}),
    eventSource: e.EVENT_SOURCE ?? defaultSource(e.INSTANCE),
    tokens: {
      tokenSecretId: e.TOKEN_SECRET_ARN,
      refreshFunction: e.TOKEN_REFRESH_FUNCTION,
      ...(e.COUPA_HOST ? { defaultHost: e.COUPA_HOST } : {}),
    },
  };
}

/** Key prefix (under PAYLOAD_PREFIX) of every claim-checked action result of an instance. */
export const actionResultKeyPrefix = (instance: string): string => `actions/${instance}/`;
