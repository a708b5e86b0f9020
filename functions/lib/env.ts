// The handlers' environment (set by CoupaConnector: infra/Poller.ts, infra/Actions.ts, infra/CoupaConnector.ts),
// parsed once at cold start. Every problem is reported at once, each naming its variable; values are
// never echoed (none is secret, but FILTERS may hold business data).
import { z } from 'zod';
import {
  DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS,
  DEFAULT_RESULT_INLINE_LIMIT_BYTES,
  MAX_IDEMPOTENCY_EXPIRY_SECONDS,
  MAX_RESULT_INLINE_LIMIT_BYTES,
  MIN_IDEMPOTENCY_EXPIRY_SECONDS,
  MIN_RESULT_INLINE_LIMIT_BYTES,
} from '../../shared/actions/limits';
import type { CatalogObject } from '../../shared/catalog';
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
import { TRIGGER_NAME } from '../../shared/changes/triggers';
import type { CoupaQuery, FieldSpec } from '../../shared/coupa';
import { defaultSource, EVENT_RETURN_TYPES, type EventReturnType, INSTANCE_NAME } from '../../shared/events';
import type { GrantType } from '../../shared/tokens/credentials';
import type { RefreshSettings } from '../../shared/tokens/serve-refresh-request';

/** A required environment variable; fails the cold start with the variable's name when missing. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** An optional numeric environment variable. */
export function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`environment variable ${name} must be a number`);
  return value;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A required, non-blank string; `what` says what the variable holds. */
export const required = (what: string) =>
  z
    .string({ error: `is required (${what})` })
    .trim()
    .min(1, `is required (${what})`);

/** An optional variable: unset and blank are the same. */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** A whole number from `min` to `max`, given as text. */
export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** Every problem of a failed parse as `VARIABLE: message`. */
const issuesOf = (result: z.ZodSafeParseResult<unknown>): string[] =>
  result.success ? [] : result.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);

const eventSource = optional(
  z
    .string()
    .trim()
    .max(256, 'must be at most 256 characters')
    .refine((s) => !s.startsWith('aws.'), 'may not start with "aws." (reserved by AWS)'),
);

// ---- Tokens ----------------------------------------------------------------------------------------

/** What a poller or action needs to get tokens: read the token secret, ask the refresher. */
export interface TokenConsumerConfig {
  readonly tokenSecretId: string;
  /** Name or ARN of the token-refresh function. */
  readonly refreshFunction: string;
  /** Host used when the stored token names none. */
  readonly defaultHost?: string;
}

/** The token environment of every token consumer (CoupaConnector.tokens.environment), parsed in one place. */
const tokenConsumerSchema = z
  .object({
    TOKEN_SECRET_ARN: required('the token secret ARN (CoupaConnector.tokens.environment)'),
    TOKEN_REFRESH_FUNCTION: required('the token-refresh function name (CoupaConnector.tokens.environment)'),
    COUPA_HOST: optional(z.string().trim()),
  })
  .transform(
    (e): TokenConsumerConfig => ({
      tokenSecretId: e.TOKEN_SECRET_ARN,
      refreshFunction: e.TOKEN_REFRESH_FUNCTION,
      ...(e.COUPA_HOST ? { defaultHost: e.COUPA_HOST } : {}),
    }),
  );

/**
 * The token-refresh function's settings: CREDENTIALS_SECRET_ARN, TOKEN_SECRET_ARN, TOKEN_LEASE_TABLE,
 * MIN_VALIDITY_SECONDS and the optional COUPA_HOST, COUPA_GRANT_TYPE, COUPA_SCOPES (space-separated).
 */
export function refreshEnvironment(): RefreshSettings & { readonly leaseTable: string } {
  const grant = process.env.COUPA_GRANT_TYPE;
  if (grant && grant !== 'client_credentials' && grant !== 'authorization_code') {
    throw new Error('environment variable COUPA_GRANT_TYPE must be client_credentials or authorization_code');
  }
  const scopes = process.env.COUPA_SCOPES?.split(/\s+/).filter(Boolean) ?? [];
  return {
    credentialsSecretId: requiredEnv('CREDENTIALS_SECRET_ARN'),
    tokenSecretId: requiredEnv('TOKEN_SECRET_ARN'),
    leaseTable: requiredEnv('TOKEN_LEASE_TABLE'),
    minValidityMs: numberEnv('MIN_VALIDITY_SECONDS', 6 * 3600) * 1000,
    ...(process.env.COUPA_HOST ? { defaultHost: process.env.COUPA_HOST } : {}),
    ...(grant ? { expectedGrantType: grant as GrantType } : {}),
    ...(scopes.length > 0 ? { defaultScopes: scopes } : {}),
  };
}

// ---- Poller ----------------------------------------------------------------------------------------

export interface PollerEnvironment {
  readonly object: CatalogObject;
  /** The trigger's name when the object has several (its own cursor, ids, claim checks, metrics). */
  readonly trigger?: string;
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

const pollerSchema = z.object({
  OBJECT: required('a catalog key such as invoices').transform((key, ctx) => {
    try {
      return pollableObject(key);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  TRIGGER: optional(z.string().regex(TRIGGER_NAME, 'must be lowercase letters, digits and dashes, starting with a letter')),
  INSTANCE: required('the Coupa instance name').regex(INSTANCE_NAME, 'must be lowercase letters, digits and dashes'),
  EVENT_SOURCE: eventSource,
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

/** Thrown at cold start when the environment is unusable; the message lists every variable at fault. */
export class PollerEnvironmentError extends Error {
  override readonly name = 'PollerEnvironmentError';
}

/** Reads and validates the poller's environment (and the token environment). */
export function pollerEnvironment(env: NodeJS.ProcessEnv = process.env): PollerEnvironment {
  const parsed = pollerSchema.safeParse(env);
  const problems = issuesOf(parsed);
  if (parsed.success && parsed.data.FIELDS !== undefined) {
    problems.push(...fieldsProblems(parsed.data.FIELDS, parsed.data.RETURN_TYPE ?? 'default').map((p) => `FIELDS: ${p}`));
  }
  const tokens = tokenConsumerSchema.safeParse(env);
  problems.push(...issuesOf(tokens));
  if (!parsed.success || !tokens.success || problems.length > 0) {
    throw new PollerEnvironmentError(`Poller environment is not valid: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    object: e.OBJECT,
    ...(e.TRIGGER ? { trigger: e.TRIGGER } : {}),
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

// ---- Actions and commands --------------------------------------------------------------------------

export interface ActionEnvironment {
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

const actionSchema = z.object({
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
  EVENT_SOURCE: eventSource,
});

/** Thrown at cold start when the environment is unusable; the message lists every variable at fault. */
export class ActionEnvironmentError extends Error {
  override readonly name = 'ActionEnvironmentError';
}

/** Reads and validates the action/command environment. `needsBus`: the command function also needs EVENT_BUS_NAME. */
export function actionEnvironment(env: NodeJS.ProcessEnv = process.env, options: { needsBus?: boolean } = {}): ActionEnvironment {
  const parsed = actionSchema.safeParse(env);
  const tokens = tokenConsumerSchema.safeParse(env);
  const problems = [...issuesOf(parsed), ...issuesOf(tokens)];
  if (parsed.success && options.needsBus && !parsed.data.EVENT_BUS_NAME) {
    problems.push('EVENT_BUS_NAME: is required (the bus that receives Coupa Command results)');
  }
  if (!parsed.success || !tokens.success || problems.length > 0) {
    throw new ActionEnvironmentError(`Action environment is not valid: ${problems.join('; ')}`);
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
    tokens: tokens.data,
  };
}
