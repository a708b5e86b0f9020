// The zod schemas of action inputs: types and ranges, with messages worded for people. What depends on
// the catalog (capabilities, parents, natural keys, special actions) is checked in parse-action-input.
import { z } from 'zod';
import { serializeFields, type FieldSpec } from '../coupa';
import { DEFAULT_QUERY_LIMIT, MAX_IDEMPOTENCY_KEY_CHARS, MAX_QUERY_LIMIT } from './limits';

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
