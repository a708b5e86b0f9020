import { z } from 'zod';
import { buildQuery, type CoupaQuery, CoupaValidationError, type FieldSpec, serializeFields } from '../coupa';
import { DEFAULT_QUERY_LIMIT, MAX_IDEMPOTENCY_KEY_CHARS, MAX_QUERY_LIMIT } from './limits';

// The zod schemas of action inputs: types and ranges, with messages worded for people. What depends on
// the catalog (capabilities, parents, natural keys, special actions) is checked in parse.ts.

const ATTRIBUTE = /^[A-Za-z0-9_-]+$/;
/** Anything but control, format, private-use, surrogate and unassigned characters. */
const PRINTABLE = /^\P{C}+$/u;

/** A Coupa record id: a positive whole number; a string of digits is read as one (JSONPath hands strings). */
export const recordId = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d{1,16}\s*$/.test(v) ? Number(v) : v),
  z
    .number({ error: 'must be a positive whole number (a Coupa record id)' })
    .int('must be a positive whole number (a Coupa record id)')
    .min(1, 'must be a positive whole number (a Coupa record id): ids start at 1'),
);

const jsonObject = (what: string) => z.record(z.string(), z.unknown(), { error: `must be a JSON object ${what}` });

/** `fields`: Coupa's field list as JSON, or its text; checked and normalised to the list. */
export const fieldsSchema = z
  .union([z.array(z.unknown()), z.string()], { error: 'must be a Coupa field list such as ["id",{"supplier":["name"]}]' })
  .transform((value, ctx): FieldSpec => {
    try {
      return JSON.parse(serializeFields(value)) as FieldSpec;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `is not a usable field list: ${messageOf(error)}` });
      return z.NEVER;
    }
  });

export const returnTypeSchema = z.enum(['default', 'shallow', 'limited', 'none'], {
  error: 'must be one of "default", "shallow", "limited" or "none" (none: writes only)',
});

export const idempotencyKeySchema = z
  .string({ error: `must be a string of at most ${MAX_IDEMPOTENCY_KEY_CHARS} characters` })
  .min(1, 'must not be empty')
  .max(MAX_IDEMPOTENCY_KEY_CHARS, `must be at most ${MAX_IDEMPOTENCY_KEY_CHARS} characters`)
  .regex(PRINTABLE, 'may hold printable characters only (no control characters)');

const attributeName = z
  .string({ error: 'must be an attribute name' })
  .regex(ATTRIBUTE, 'must be an attribute name (letters, digits, "_" and "-")');

/** `query` of the query action. */
export const querySchema = z.strictObject(
  {
    filters: jsonObject('of conditions, e.g. {"status":{"in":["approved","voided"]},"supplier":{"name":"Acme"}}').optional(),
    limit: z
      .number({ error: `must be a whole number from 1 to ${MAX_QUERY_LIMIT}` })
      .int(`must be a whole number from 1 to ${MAX_QUERY_LIMIT}`)
      .min(1, `must be a whole number from 1 to ${MAX_QUERY_LIMIT}`)
      .max(MAX_QUERY_LIMIT, `must be at most ${MAX_QUERY_LIMIT} (page further with offset)`)
      .default(DEFAULT_QUERY_LIMIT),
    offset: z
      .number({ error: 'must be a whole number ≥ 0' })
      .int('must be a whole number ≥ 0')
      .min(0, 'must be a whole number ≥ 0')
      .max(Number.MAX_SAFE_INTEGER, 'is too large')
      .default(0),
    orderBy: attributeName.optional(),
    dir: z.enum(['asc', 'desc'], { error: 'must be "asc" or "desc"' }).optional(),
  },
  { error: 'must be an object: {filters?, limit?, offset?, orderBy?, dir?}' },
);

/** The fields any object action may carry; which ones an action takes is checked per action. */
export const envelopeSchema = z.looseObject({
  object: z
    .string({ error: 'must be a catalog key such as "invoices"' })
    .trim()
    .min(1, 'must be a catalog key such as "invoices"')
    .max(100, 'is too long for a catalog key'),
  id: recordId.optional(),
  naturalKey: z
    .record(z.string(), z.union([z.string(), z.number()], { error: 'values must be strings or numbers' }), {
      error: 'must be an object of natural key attributes and values, e.g. {"po-number":"PO-1"}',
    })
    .optional(),
  data: jsonObject("with the record's fields (dashed keys, as Coupa names them)").optional(),
  query: querySchema.optional(),
  returnType: returnTypeSchema.optional(),
  fields: fieldsSchema.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
  parent: z.record(z.string(), recordId, { error: 'must be an object naming the parent, e.g. {"supplier_id":12}' }).optional(),
  params: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'values must be strings, numbers or booleans' }), {
      error: 'must be an object of query parameters, e.g. {"reason":"over budget"}',
    })
    .optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** Input of the `request` action. */
export const requestSchema = z.strictObject(
  {
    method: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
      z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], { error: 'must be GET, POST, PUT, PATCH or DELETE' }),
    ),
    path: z.string({ error: 'must be a path under /api/, e.g. "invoices/5/retrieve_image_scan"' }),
    query: jsonObject('of query parameters and conditions, e.g. {"exported":true}').optional(),
    body: z.unknown().optional(),
    idempotencyKey: idempotencyKeySchema.optional(),
  },
  { error: 'must be an object: {method, path, query?, body?, idempotencyKey?}' },
);
export type RequestInput = z.infer<typeof requestSchema>;

/** S3 bucket names: 3–63 lower-case letters, digits, dots and dashes. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A file name Coupa can show: no path separators, no control characters. */
const FILENAME = /^[^/\\\p{C}]+$/u;
/** `type/subtype` with optional parameters. */
const MIME = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"\\]*"|[\w.+-]+))*$/;

const fileLocationSchema = z.union(
  [
    z.strictObject({
      s3: z.strictObject(
        {
          bucket: z.string({ error: 'must be an S3 bucket name' }).regex(BUCKET, 'must be an S3 bucket name'),
          key: z
            .string({ error: 'must be an S3 object key' })
            .min(1, 'must not be empty')
            .max(1024, 'must be at most 1024 characters')
            .regex(PRINTABLE, 'may hold printable characters only'),
        },
        { error: 'must be {"bucket", "key"}' },
      ),
    }),
    z.strictObject({
      path: z
        .string({ error: 'must be a file path' })
        .min(1, 'must not be empty')
        .max(4096, 'is too long')
        .regex(PRINTABLE, 'may hold printable characters only'),
    }),
  ],
  { error: 'must be {"s3": {"bucket", "key"}} (Lambda) or {"path": "<local file>"} (CLI)' },
);

/** Input of the `attach` action (the object is checked against the catalog afterwards). */
export const attachSchema = z.strictObject(
  {
    object: z
      .string({ error: 'must be a catalog key such as "invoices"' })
      .trim()
      .min(1, 'must be a catalog key such as "invoices"')
      .max(100, 'is too long for a catalog key'),
    id: recordId,
    file: fileLocationSchema,
    filename: z
      .string({ error: 'must be a file name' })
      .min(1, 'must not be empty')
      .max(255, 'must be at most 255 characters')
      .regex(FILENAME, 'must be a file name without "/", "\\" or control characters')
      .optional(),
    contentType: z
      .string({ error: 'must be a content type' })
      .max(255, 'is too long')
      .regex(MIME, 'must be a content type such as "application/pdf"')
      .optional(),
    intent: z
      .string({ error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(40, "must be at most 40 characters (Coupa's limit)")
      .regex(PRINTABLE, 'may hold printable characters only')
      .optional(),
    idempotencyKey: idempotencyKeySchema.optional(),
  },
  { error: 'must be an object: {object, id, file, filename?, contentType?, intent?, idempotencyKey?}' },
);

function messageOf(error: unknown): string {
  return (error as Error).message.replace(/^Invalid Coupa query: /, '');
}

// Collects every problem of an input and throws them together as one Coupa.Validation error, so a
// person fixes the input once, not once per problem.

/** A list of input problems, each starting with the field it is about. @internal */
export class Problems {
  readonly #list: string[] = [];

  add(problem: string): void {
    if (!this.#list.includes(problem)) this.#list.push(problem);
  }

  /** Adds zod's issues, each as `<path> <message>` (the schemas word their messages for people). */
  addZod(issues: readonly z.core.$ZodIssue[], prefix = ''): void {
    for (const issue of issues) {
      const path = fieldPath([...(prefix ? [prefix] : []), ...issue.path.map(String)]);
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
        this.add(`${path ? `${path} has unknown` : 'unknown'} field${issue.keys.length > 1 ? 's' : ''} ${keys}`);
      } else this.add(path ? `${path} ${issue.message}` : issue.message);
    }
  }

  get empty(): boolean {
    return this.#list.length === 0;
  }

  /** Throws the problems as one {@link CoupaValidationError}; does nothing when there are none. */
  throwIfAny(action: string): void {
    if (this.empty) return;
    const intro = `Invalid input for the ${JSON.stringify(action)} action`;
    throw new CoupaValidationError(
      this.#list.length === 1
        ? `${intro}: ${this.#list[0]}`
        : `${intro} (${this.#list.length} problems): ${this.#list.map((p, i) => `${i + 1}) ${p}`).join('; ')}`,
    );
  }
}

/** `['data', 'custom-fields', 'cf-x']` → `data["custom-fields"]["cf-x"]`; plain names join with dots. */
export function fieldPath(segments: readonly string[]): string {
  return segments
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`))
    .join('');
}

/** A short, safe rendering of a value for a message: scalars shown (cut at 60 characters), others named. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

// Query conditions as callers write them: nested objects (`{"supplier":{"name":{"contains":"Acme"}}}`,
// what buildQuery takes) or Coupa's own bracket keys (`{"supplier[name][contains]":"Acme"}`), which are
// turned into the nested form here. Both may be mixed; the same condition given twice is a problem.

const BRACKETS = /^([^[\]]+)((?:\[[^[\]]+\])+)$/;

/**
 * `filters` with bracket keys expanded into nested objects. Reports a condition given twice.
 *
 * @internal
 */
export function nestedFilters(filters: Readonly<Record<string, unknown>>, where: string, problems: Problems): CoupaQuery {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    const match = BRACKETS.exec(key);
    const path = match ? [match[1]!, ...[...match[2]!.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!)] : [key];
    if (path.includes('__proto__')) {
      problems.add(`${where}["${key}"] is not an attribute name`);
      continue;
    }
    merge(out, path, value, `${where}["${key}"]`, problems);
  }
  return out as CoupaQuery;
}

function merge(target: Record<string, unknown>, path: readonly string[], value: unknown, label: string, problems: Problems): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    if (Object.hasOwn(target, head) && isObject(target[head]) && isObject(value)) {
      for (const [k, v] of Object.entries(value)) merge(target[head] as Record<string, unknown>, [k], v, label, problems);
    } else if (Object.hasOwn(target, head)) problems.add(`${label} repeats a condition given elsewhere in the filters`);
    else target[head] = structuredClone(value); // the caller's input stays untouched by later merges
    return;
  }
  if (!Object.hasOwn(target, head)) target[head] = {};
  if (!isObject(target[head])) {
    problems.add(`${label} repeats a condition given elsewhere in the filters`);
    return;
  }
  merge(target[head] as Record<string, unknown>, rest, value, label, problems);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

// Custom fields in write data: Coupa takes namespaced custom fields under `custom-fields`. Callers may
// also write `customFields` (camelCase, natural in Step Functions) or `custom_fields`; all three are
// merged into `custom-fields`. Field names inside are kept exactly as given (Coupa's are dashed:
// `cf-erp-invoice-number`). Legacy top-level custom keys (`custom-field-1`) pass through untouched.

const ALIASES = ['customFields', 'custom_fields', 'custom-fields'] as const;

/**
 * `data` with every custom-field alias merged into one `custom-fields` object. Reports an alias that
 * is not an object, and a field given twice with different values.
 *
 * @internal
 */
export function withCustomFields(data: Readonly<Record<string, unknown>>, where: string, problems: Problems): Record<string, unknown> {
  const present = ALIASES.filter((alias) => Object.hasOwn(data, alias));
  if (present.length === 0) return { ...data };
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const alias of present) {
    const value = data[alias];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.add(`${where}["${alias}"] must be an object of custom field names and values, e.g. {"cf-erp-number":"ERP-1"}`);
      continue;
    }
    for (const [name, fieldValue] of Object.entries(value)) {
      if (Object.hasOwn(merged, name) && JSON.stringify(merged[name]) !== JSON.stringify(fieldValue)) {
        problems.add(`${where} sets custom field "${name}" twice with different values (in "${origin[name]}" and "${alias}")`);
        continue;
      }
      merged[name] = fieldValue;
      origin[name] = alias;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!(ALIASES as readonly string[]).includes(key)) out[key] = value;
  out['custom-fields'] = merged;
  return out;
}

// Query conditions and parameters are checked with the client's own buildQuery now, so nothing it
// would refuse leaves later.

/** Query parameters that are not conditions: they have their own input fields. */
const PAGING_PARAMETERS: ReadonlyMap<string, string> = new Map([
  ['limit', 'query.limit'],
  ['offset', 'query.offset'],
  ['order_by', 'query.orderBy'],
  ['dir', 'query.dir'],
  ['return_object', 'returnType'],
  ['fields', 'fields'],
  ['filter', 'the request action'],
]);

/** Filters of the query action: conditions only, checked. @internal */
export function checkFilters(filters: CoupaQuery, problems: Problems): void {
  for (const key of Object.keys(filters)) {
    const instead = PAGING_PARAMETERS.get(key);
    if (instead) problems.add(`query.filters.${key} is not a condition: use ${instead}`);
  }
  checkQuery(filters, 'query.filters', problems);
}

/** Runs the client's query checks (operators, value types, names) on `query`. @internal */
export function checkQuery(query: Record<string, unknown>, where: string, problems: Problems): void {
  try {
    buildQuery(query as CoupaQuery);
  } catch (error) {
    problems.add(`${where}: ${(error as Error).message.replace(/^Invalid Coupa query: /, '')}`);
  }
}
