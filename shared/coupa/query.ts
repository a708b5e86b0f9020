// Builds Coupa query strings: `attr[op]=value` conditions (ANDed), association traversal with
// brackets, and the paging/shape parameters. Everything is checked before a request leaves.
//
// Encoding (decided once, here): keys keep literal brackets as Coupa's docs write them
// (`updated_at[gt]`; every form decoder reads them, encoded or not); every value is
// percent-encoded with encodeURIComponent (`:` → %3A, `+` → %2B, space → %20, `,` → %2C), so no
// decoder can mistake a `+` in an offset for a space. The commas separating `in`/`not_in` items stay
// literal, and items themselves may not contain commas (Coupa splits on them; there is no escape).
import { CoupaValidationError } from './errors';
import { parseCoupaInstant, toUtcIso } from './records';

/** Coupa's query operators (0007 API Operators). `eq` is ours: an explicit exact match. */
export const OPERATORS = [
  'eq',
  'contains',
  'starts_with',
  'ends_with',
  'gt',
  'lt',
  'gt_or_eq',
  'lt_or_eq',
  'not_eq',
  'in',
  'not_in',
  'blank',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** A value to compare with. Dates (and ISO strings with an offset) are sent as UTC instants. */
export type QueryScalar = string | number | boolean | Date;

/** Conditions on one attribute, all ANDed: `{ gt_or_eq: from, lt: to }`. */
export interface OperatorConditions {
  readonly eq?: QueryScalar;
  readonly contains?: string | number;
  readonly starts_with?: string | number;
  readonly ends_with?: string | number;
  readonly gt?: string | number | Date;
  readonly lt?: string | number | Date;
  readonly gt_or_eq?: string | number | Date;
  readonly lt_or_eq?: string | number | Date;
  readonly not_eq?: QueryScalar;
  readonly in?: readonly QueryScalar[];
  readonly not_in?: readonly QueryScalar[];
  readonly blank?: boolean;
}

/** An exact value, operator conditions, or conditions on an association's attributes. */
export type Condition = QueryScalar | OperatorConditions | AssociationConditions;
export interface AssociationConditions {
  readonly [attribute: string]: Condition | undefined;
}

/** `fields=[…]`: attribute names, and `{association: [...]}` objects (`{custom_fields: {}}` = all). */
export type FieldSpec = readonly (string | { readonly [association: string]: FieldSpec | Readonly<Record<string, never>> })[];

export type ReturnObject = 'limited' | 'shallow' | 'none';

/** The parameters that are not attribute conditions. */
export interface QueryParameters {
  /** Records per page, 1–50 (Coupa's maximum and default is 50). */
  readonly limit?: number;
  /** Rows to skip. */
  readonly offset?: number;
  readonly order_by?: string;
  readonly dir?: 'asc' | 'desc';
  readonly return_object?: ReturnObject;
  /** A field list, or its JSON text. */
  readonly fields?: FieldSpec | string;
  /** A saved API filter's name (Setup > Integrations > API Filters). */
  readonly filter?: string;
}

/**
 * A Coupa query: the parameters above plus attribute conditions, e.g.
 * `{ updated_at: { gt: since }, status: { in: ['approved', 'voided'] }, supplier: { name: { contains: 'Acme' } }, limit: 50 }`.
 * `undefined` values are skipped.
 */
export type CoupaQuery = QueryParameters & { readonly [attribute: string]: Condition | FieldSpec | undefined };

/** Query string keys that are parameters of the request, not conditions on an attribute. */
export const QUERY_PARAMETER_KEYS = ['limit', 'offset', 'order_by', 'dir', 'return_object', 'fields', 'filter'] as const;
const RESERVED: ReadonlySet<string> = new Set(QUERY_PARAMETER_KEYS);
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);
const NAME = /^[A-Za-z0-9_-]+$/;
/** Keys that look like operators from other query languages: almost surely a typo here. */
const LOOKALIKES: Readonly<Record<string, Operator>> = {
  gte: 'gt_or_eq',
  ge: 'gt_or_eq',
  lte: 'lt_or_eq',
  le: 'lt_or_eq',
  ne: 'not_eq',
  neq: 'not_eq',
  nin: 'not_in',
  like: 'contains',
  startswith: 'starts_with',
  endswith: 'ends_with',
  is_blank: 'blank',
  gt_eq: 'gt_or_eq',
  lt_eq: 'lt_or_eq',
};
/** ISO-8601 date-time with a zone: the strings we normalise to UTC instants. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Encodes a query as Coupa reads it, without the leading `?`. Parameters keep the object's order.
 *
 * @throws {CoupaValidationError} for unknown operators, wrong value types, bad names or paging values.
 * @example
 * buildQuery({ updated_at: { gt: new Date('2026-01-01T00:00:00Z') }, status: { in: ['approved', 'voided'] } })
 * // → 'updated_at[gt]=2026-01-01T00%3A00%3A00Z&status[in]=approved,voided'
 */
export function buildQuery(query: CoupaQuery = {}): string {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) invalid('the query must be an object');
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (RESERVED.has(key)) parts.push(`${key}=${parameter(key, value)}`);
    else {
      checkName(key);
      condition([key], value as Condition, parts);
    }
  }
  return parts.join('&');
}

function parameter(key: string, value: unknown): string {
  switch (key) {
    case 'limit':
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 50) {
        invalid(`limit must be an integer from 1 to 50 (Coupa returns at most 50 records per request), got ${show(value)}`);
      }
      return String(value);
    case 'offset':
      if (!Number.isInteger(value) || (value as number) < 0) invalid(`offset must be an integer ≥ 0, got ${show(value)}`);
      return String(value);
    case 'order_by':
      if (typeof value !== 'string') invalid(`order_by must be an attribute name, got ${show(value)}`);
      checkName(value);
      return value;
    case 'dir':
      if (value !== 'asc' && value !== 'desc') invalid(`dir must be "asc" or "desc", got ${show(value)}`);
      return value;
    case 'return_object':
      if (value !== 'limited' && value !== 'shallow' && value !== 'none') {
        invalid(`return_object must be "limited", "shallow" or "none", got ${show(value)}`);
      }
      return value;
    case 'fields':
      return encodeURIComponent(serializeFields(value));
    default: // filter
      if (typeof value !== 'string' || value.trim() === '') invalid(`filter must be the name of a saved API filter, got ${show(value)}`);
      return encodeURIComponent(value);
  }
}

/**
 * The JSON text of a `fields` list, checked: names are attribute names, objects map associations
 * to lists (or `{}` for all of them).
 */
export function serializeFields(fields: unknown): string {
  let spec: unknown = fields;
  if (typeof fields === 'string') {
    try {
      spec = JSON.parse(fields);
    } catch {
      invalid('fields must be a JSON array such as ["id",{"invoice_lines":["id"]}]');
    }
  }
  checkFields(spec, 'fields');
  return JSON.stringify(spec);
}

function checkFields(spec: unknown, where: string): void {
  if (!Array.isArray(spec)) invalid(`${where} must be an array of attribute names and {association: [...]} objects`);
  for (const item of spec) {
    if (typeof item === 'string') checkName(item);
    else if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      for (const [association, nested] of Object.entries(item)) {
        checkName(association);
        const isEmptyObject = typeof nested === 'object' && nested !== null && !Array.isArray(nested) && Object.keys(nested).length === 0;
        if (!isEmptyObject) checkFields(nested, `fields of ${association}`);
      }
    } else invalid(`${where} may only hold attribute names and {association: [...]} objects, got ${show(item)}`);
  }
}

// One attribute (path = attribute and association names) and its condition.
function condition(path: string[], value: Condition, parts: string[]): void {
  if (isScalar(value)) {
    parts.push(`${key(path)}=${scalar(path, 'eq', value)}`);
    return;
  }
  if (Array.isArray(value)) {
    invalid(`${key(path)}: a list needs an operator, e.g. { in: [...] } or { not_in: [...] }`);
  }
  if (typeof value !== 'object' || value === null) {
    invalid(`${key(path)}: ${show(value)} is not a value Coupa can filter on (use { blank: true } for empty values)`);
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) invalid(`${key(path)}: an empty condition object filters nothing; remove it or add an operator`);
  const operators = entries.filter(([k]) => OPERATOR_SET.has(k));
  if (operators.length > 0 && operators.length < entries.length) {
    const others = entries.filter(([k]) => !OPERATOR_SET.has(k)).map(([k]) => k);
    invalid(
      `${key(path)}: mixes operators (${operators.map(([k]) => k).join(', ')}) with other keys (${others.join(', ')}); nest association attributes separately`,
    );
  }
  if (operators.length === 0) {
    // An association: supplier: { name: ... }.
    for (const [attribute, nested] of entries) {
      const suggestion = Object.hasOwn(LOOKALIKES, attribute) ? LOOKALIKES[attribute] : undefined;
      if (suggestion) invalid(`${key(path)}: unknown operator "${attribute}"; did you mean "${suggestion}"?`);
      checkName(attribute);
      condition([...path, attribute], nested as Condition, parts);
    }
    return;
  }
  for (const [operator, operand] of operators) {
    const op = operator as Operator;
    const name = op === 'eq' ? key(path) : `${key(path)}[${op}]`;
    parts.push(`${name}=${operatorValue(path, op, operand)}`);
  }
}

function operatorValue(path: string[], op: Operator, operand: unknown): string {
  switch (op) {
    case 'in':
    case 'not_in': {
      if (!Array.isArray(operand)) invalid(`${key(path)}[${op}] needs an array of values, got ${show(operand)}`);
      if (operand.length === 0) invalid(`${key(path)}[${op}] needs at least one value (an empty list cannot be expressed to Coupa)`);
      return operand
        .map((item: unknown) => {
          if (!isScalar(item)) invalid(`${key(path)}[${op}] values must be strings, numbers, booleans or dates, got ${show(item)}`);
          const text = plain(path, op, item);
          if (text.includes(',')) {
            invalid(`${key(path)}[${op}] value ${show(item)} contains a comma, which Coupa would read as two values`);
          }
          return encodeURIComponent(text);
        })
        .join(',');
    }
    case 'blank':
      if (typeof operand !== 'boolean') invalid(`${key(path)}[blank] needs true or false, got ${show(operand)}`);
      return String(operand);
    default:
      if (!isScalar(operand)) invalid(`${key(path)}[${op}] needs a single value, got ${show(operand)}`);
      return scalar(path, op, operand);
  }
}

function scalar(path: string[], op: Operator, value: QueryScalar): string {
  return encodeURIComponent(plain(path, op, value));
}

// The unencoded text of a value, checked against its operator.
function plain(path: string[], op: Operator, value: QueryScalar): string {
  const where = op === 'eq' ? key(path) : `${key(path)}[${op}]`;
  const textual = op === 'contains' || op === 'starts_with' || op === 'ends_with';
  const ordered = op === 'gt' || op === 'lt' || op === 'gt_or_eq' || op === 'lt_or_eq';
  if (value instanceof Date) {
    if (textual) invalid(`${where}: ${op} does not work on dates (Coupa allows it for text only); use gt/lt`);
    if (Number.isNaN(value.getTime())) invalid(`${where}: the date is invalid`);
    return toUtcIso(value);
  }
  if (typeof value === 'boolean') {
    if (textual || ordered) invalid(`${where} needs text, a number or a date, not ${value}`);
    return String(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid(`${where}: ${value} is not a number Coupa can compare with`);
    return String(value);
  }
  if (typeof value !== 'string') invalid(`${where}: ${show(value)} is not a string, number, boolean or date`);
  if (!textual && ISO_WITH_ZONE.test(value)) {
    try {
      return toUtcIso(parseCoupaInstant(value));
    } catch {
      invalid(`${where}: ${show(value)} is not a valid date-time`);
    }
  }
  return value;
}

function isScalar(value: unknown): value is QueryScalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date;
}

function key(path: string[]): string {
  return (
    path[0] +
    path
      .slice(1)
      .map((p) => `[${p}]`)
      .join('')
  );
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    invalid(`${show(name)} is not an attribute name (letters, digits, "_" and "-" only)`);
  }
}

function show(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function invalid(message: string): never {
  throw new CoupaValidationError(`Invalid Coupa query: ${message}`);
}
