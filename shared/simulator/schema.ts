import { loadOpenApi, refName, type Schema } from '../openapi';

/**
 * OpenAPI definitions compiled into what the simulator needs per property: its value kind (how to
 * generate, coerce, filter and render it), or the definition an association or embedded array points to.
 */

export type ValueKind = 'string' | 'text' | 'integer' | 'decimal' | 'float' | 'boolean' | 'datetime' | 'time' | 'unknown';

export interface ScalarProperty {
  readonly type: 'scalar';
  readonly name: string;
  readonly kind: ValueKind;
  readonly readOnly: boolean;
  readonly maxLength?: number;
  readonly enum?: readonly string[];
  /** Digits after the point for decimals (`decimal(30,4)` → 4). */
  readonly scale?: number;
}
export interface RefProperty {
  readonly type: 'ref';
  readonly name: string;
  readonly definition: string;
  readonly readOnly: boolean;
}
export interface ArrayProperty {
  readonly type: 'array';
  readonly name: string;
  readonly definition: string;
  readonly readOnly: boolean;
}
/** The namespaced custom fields hash (`"custom-fields": {"cf-erp-number": ...}`), not in the OpenAPI files. */
export interface CustomFieldsProperty {
  readonly type: 'custom-fields';
  readonly name: 'custom-fields';
  readonly readOnly: false;
}
export type PropertySpec = ScalarProperty | RefProperty | ArrayProperty | CustomFieldsProperty;

export interface DefinitionSchema {
  readonly name: string;
  /** In the files' (alphabetical) order. */
  readonly properties: ReadonlyMap<string, PropertySpec>;
  readonly required: readonly string[];
}

export const CUSTOM_FIELDS = 'custom-fields';
const META = new Set(['id', 'created-at', 'updated-at']);
/** Properties the simulator keeps outside the data (the record's identity and timestamps). */
export const isMetaProperty = (name: string): boolean => META.has(name);

const compiled = new Map<string, DefinitionSchema>();

/** The compiled definition (cached); extra scalar properties (legacy custom fields) can be appended. */
export function definitionSchema(name: string, extra: readonly ScalarProperty[] = [], withCustomFields = false): DefinitionSchema {
  const cacheKey = `${name}|${extra.map((e) => e.name).join(',')}|${withCustomFields}`;
  let schema = compiled.get(cacheKey);
  if (!schema) {
    schema = compile(name, extra, withCustomFields);
    compiled.set(cacheKey, schema);
  }
  return schema;
}

function compile(name: string, extra: readonly ScalarProperty[], withCustomFields: boolean): DefinitionSchema {
  const def = loadOpenApi().definitions[name];
  if (!def) throw new Error(`No OpenAPI definition ${name}`);
  const properties = new Map<string, PropertySpec>();
  for (const [prop, schema] of Object.entries(def.properties ?? {})) properties.set(prop, compileProperty(prop, schema));
  // Every record has these, whatever the file says (Approval lacks nothing, Country has no formats).
  properties.set('id', { type: 'scalar', name: 'id', kind: 'integer', readOnly: true });
  for (const meta of ['created-at', 'updated-at']) properties.set(meta, { type: 'scalar', name: meta, kind: 'datetime', readOnly: true });
  for (const e of extra) properties.set(e.name, e);
  if (withCustomFields) properties.set(CUSTOM_FIELDS, { type: 'custom-fields', name: CUSTOM_FIELDS, readOnly: false });
  return { name, properties, required: def.required ?? [] };
}

function compileProperty(name: string, schema: Schema): PropertySpec {
  const readOnly = schema.readOnly === true;
  if (schema.$ref) return { type: 'ref', name, definition: refName(schema.$ref), readOnly };
  // Polymorphic associations are untyped in the files ("Approver. Can be one of multiple objects: User, ApprovalGroup"): show the user.
  if (!schema.type && /objects?: User\b/.test(schema.description ?? '')) return { type: 'ref', name, definition: 'UserSimple', readOnly };
  if (schema.type === 'array') {
    const itemRef = schema.items?.$ref;
    if (itemRef) return { type: 'array', name, definition: refName(itemRef), readOnly };
    return { type: 'scalar', name, kind: 'unknown', readOnly };
  }
  const format = typeof schema.format === 'string' ? schema.format : '';
  const enumValues = schema.enum?.filter((v): v is string => typeof v === 'string');
  const base = { type: 'scalar' as const, name, readOnly, ...(enumValues?.length ? { enum: enumValues } : {}) };
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
