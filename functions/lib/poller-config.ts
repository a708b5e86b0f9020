// The poller's environment (set by CoupaConnector, see infra/Poller.ts), parsed once at cold start.
// Every problem is reported at once, each naming its variable; values are never echoed (none is
// secret, but FILTERS may hold business data).
import { z } from 'zod';
import type { CatalogObject } from '../../shared/catalog';
import type { CoupaQuery, FieldSpec } from '../../shared/coupa';
import { defaultSource, EVENT_RETURN_TYPES, type EventReturnType, INSTANCE_NAME } from '../../shared/events';
import {
  DEFAULT_LAG_SECONDS,
  fieldsProblems,
  filterProblems,
  MAX_INLINE_LIMIT_BYTES,
  MAX_LAG_SECONDS,
  MIN_INLINE_LIMIT_BYTES,
  parseInstant,
  pollableObject,
} from '../../shared/changes/poller-rules';
import type { TokenConsumerConfig } from './tokens';
import { integer, optional, required } from './env';

export interface PollerConfig {
  readonly object: CatalogObject;
  readonly instance: string;
  /** EventBridge `Source`. */
  readonly source: string;
  readonly eventBusName: string;
  readonly checkpointTable: string;
  readonly payloadBucket: string;
  readonly payloadPrefix?: string;
  readonly deadLetterQueueUrl: string;
  readonly lagSeconds: number;
  /** Where a poller without a stored cursor starts; absent: at its first run. */
  readonly sinceMs?: number;
  readonly returnType: EventReturnType;
  readonly fields?: FieldSpec;
  readonly filters?: CoupaQuery;
  readonly inlineLimitBytes?: number;
  readonly tokens: TokenConsumerConfig;
}

const json = (what: string, problemsOf: (value: unknown) => string[]) =>
  z.string().transform((raw, ctx) => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON: ${what}` });
      return z.NEVER;
    }
    for (const message of problemsOf(value)) ctx.addIssue({ code: 'custom', message });
    return value;
  });

const schema = z.object({
  OBJECT: required('a catalog key such as invoices').transform((key, ctx) => {
    try {
      return pollableObject(key);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  INSTANCE: required('the Coupa instance name').regex(INSTANCE_NAME, 'must be lowercase letters, digits and dashes'),
  EVENT_SOURCE: optional(
    z
      .string()
      .trim()
      .max(256, 'must be at most 256 characters')
      .refine((s) => !s.startsWith('aws.'), 'may not start with "aws." (reserved by AWS)'),
  ),
  EVENT_BUS_NAME: required('the EventBridge bus name or ARN'),
  CHECKPOINT_TABLE: required('the DynamoDB checkpoint table name'),
  PAYLOAD_BUCKET: required('the claim-check S3 bucket name'),
  PAYLOAD_PREFIX: optional(z.string().trim()),
  DEAD_LETTER_QUEUE_URL: required('the dead-letter SQS queue URL').pipe(z.url({ error: 'must be an SQS queue URL' })),
  LAG_SECONDS: optional(integer(0, MAX_LAG_SECONDS)),
  SINCE: optional(
    z.string().transform((value, ctx) => {
      const ms = parseInstant(value);
      if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 instant with a zone, e.g. 2026-11-01T00:00:00Z' });
      return ms ?? z.NEVER;
    }),
  ),
  RETURN_TYPE: optional(z.enum(EVENT_RETURN_TYPES, { error: `must be one of ${EVENT_RETURN_TYPES.join(', ')}` })),
  FIELDS: optional(json('an array such as ["id","status",{"supplier":["name"]}]', (v) => fieldsProblems(v, 'default'))),
  FILTERS: optional(json('an object such as {"status":{"in":["approved"]}}', filterProblems)),
  INLINE_LIMIT_BYTES: optional(integer(MIN_INLINE_LIMIT_BYTES, MAX_INLINE_LIMIT_BYTES)),
});

/** The token environment of CoupaConnector.tokenEnvironment: read the token secret, ask the refresher. */
const tokenSecrets = z
  .object({
    TOKEN_SECRET_ARN: required('the token secret ARN (CoupaConnector.tokenEnvironment)'),
    TOKEN_REFRESH_FUNCTION: required('the token-refresh function name (CoupaConnector.tokenEnvironment)'),
    COUPA_HOST: optional(z.string().trim()),
  })
  .transform(
    (e): TokenConsumerConfig => ({
      tokenSecretId: e.TOKEN_SECRET_ARN,
      refreshFunction: e.TOKEN_REFRESH_FUNCTION,
      ...(e.COUPA_HOST ? { defaultHost: e.COUPA_HOST } : {}),
    }),
  );

/** Thrown at cold start when the environment is unusable; the message lists every variable at fault. */
export class PollerConfigError extends Error {
  override readonly name = 'PollerConfigError';
}

/** Reads and validates the poller's environment (and the token environment). */
export function pollerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PollerConfig {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);
  if (parsed.success && parsed.data.FIELDS !== undefined) {
    problems.push(...fieldsProblems(parsed.data.FIELDS, parsed.data.RETURN_TYPE ?? 'default').map((p) => `FIELDS: ${p}`));
  }
  const tokens = tokenSecrets.safeParse(env);
  if (!tokens.success) problems.push(...tokens.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`));
  if (!parsed.success || !tokens.success || problems.length > 0) {
    throw new PollerConfigError(`Poller environment is not valid: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    object: e.OBJECT,
    instance: e.INSTANCE,
    source: e.EVENT_SOURCE ?? defaultSource(e.INSTANCE),
    eventBusName: e.EVENT_BUS_NAME,
    checkpointTable: e.CHECKPOINT_TABLE,
    payloadBucket: e.PAYLOAD_BUCKET,
    ...(e.PAYLOAD_PREFIX ? { payloadPrefix: e.PAYLOAD_PREFIX } : {}),
    deadLetterQueueUrl: e.DEAD_LETTER_QUEUE_URL,
    lagSeconds: e.LAG_SECONDS ?? DEFAULT_LAG_SECONDS,
    ...(e.SINCE === undefined ? {} : { sinceMs: e.SINCE }),
    returnType: e.RETURN_TYPE ?? 'default',
    ...(e.FIELDS === undefined ? {} : { fields: e.FIELDS as FieldSpec }),
    ...(e.FILTERS === undefined ? {} : { filters: e.FILTERS as CoupaQuery }),
    ...(e.INLINE_LIMIT_BYTES === undefined ? {} : { inlineLimitBytes: e.INLINE_LIMIT_BYTES }),
    tokens: tokens.data,
  };
}
