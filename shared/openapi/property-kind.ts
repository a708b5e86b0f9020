import { refName, type Schema } from './index';

/**
 * What one property of a Coupa OpenAPI definition holds in Coupa's JSON: a scalar of some kind, an
 * association (a nested object of another definition) or an embedded array of them. One rule for the
 * simulator (which generates and renders by it) and the event schemas (which type `data` by it).
 *
 * The files' `format` is the column type and says more than `type`: `decimal(30,4)` is rendered as a
 * string (`"12.50"`), `format: int` is an integer although `type` says string.
 */
export type ValueKind = 'string' | 'text' | 'integer' | 'decimal' | 'float' | 'boolean' | 'datetime' | 'time' | 'unknown';

export type PropertyKind =
  | {
      readonly type: 'scalar';
      readonly kind: ValueKind;
      readonly maxLength?: number;
      readonly enum?: readonly string[];
      /** Digits after the point for decimals (`decimal(30,4)` → 4). */
      readonly scale?: number;
    }
  /** An association; `polymorphic` when the files leave it untyped ("Can be one of multiple objects: User, …"). */
  | { readonly type: 'ref'; readonly definition: string; readonly polymorphic?: true }
  | { readonly type: 'array'; readonly definition: string };

/** The definition an untyped polymorphic association is shown as (the simulator renders the user). */
export const POLYMORPHIC_DEFINITION = 'UserSimple';

export function propertyKindOf(name: string, schema: Schema): PropertyKind {
  if (schema.$ref) return { type: 'ref', definition: refName(schema.$ref) };
  if (!schema.type && /objects?: User\b/.test(schema.description ?? ''))
    return { type: 'ref', definition: POLYMORPHIC_DEFINITION, polymorphic: true };
  if (schema.type === 'array') {
    const itemRef = schema.items?.$ref;
    return itemRef ? { type: 'array', definition: refName(itemRef) } : { type: 'scalar', kind: 'unknown' };
  }
  const format = typeof schema.format === 'string' ? schema.format : '';
  const enumValues = schema.enum?.filter((v): v is string => typeof v === 'string');
  const base = { type: 'scalar' as const, ...(enumValues?.length ? { enum: enumValues } : {}) };
  const sized = /^string\((\d+)\)$/.exec(format);
  if (sized) return { ...base, kind: 'string', maxLength: Number(sized[1]) };
  const decimal = /^decimal(?:\((\d+),(\d+)\))?$/.exec(format);
  if (decimal) return { ...base, kind: 'decimal', scale: decimal[2] === undefined ? 2 : Number(decimal[2]) };
  if (format === 'datetime' || format === 'date') return { ...base, kind: 'datetime' };
  if (format === 'time') return { ...base, kind: 'time' };
  if (format === 'text') return { ...base, kind: 'text' };
  if (format === 'float' || (schema.type === 'number' && !format)) return { ...base, kind: 'float' };
  if (format === 'integer' || format === 'int' || /^tinyint/.test(format) || schema.type === 'integer') return { ...base, kind: 'integer' };
  if (format === 'boolean' || format === 'true' || schema.type === 'boolean') return { ...base, kind: 'boolean' };
  if (schema.type === 'string') {
    // A few files leave timestamps without a format (Country's created-at).
    if (!format && /-at$/.test(name)) return { ...base, kind: 'datetime' };
    return { ...base, kind: 'string' };
  }
  return { ...base, kind: 'unknown' };
}
