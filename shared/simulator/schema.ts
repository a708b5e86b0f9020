import { loadOpenApi, type Schema } from '../openapi';
import { propertyKindOf, type ValueKind } from '../openapi/property-kind';

/**
 * OpenAPI definitions compiled into what the simulator needs per property: its value kind (how to
 * generate, coerce, filter and render it), or the definition an association or embedded array points to.
 */

export type { ValueKind };

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
  const kind = propertyKindOf(name, schema);
  if (kind.type === 'scalar') return { ...kind, name, readOnly };
  return { type: kind.type, name, definition: kind.definition, readOnly };
}
