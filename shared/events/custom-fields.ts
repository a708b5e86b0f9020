// Discovers an instance's custom fields by sampling its recent records (Coupa has no API listing
// custom field definitions): keys under `custom-fields`, and root keys the object's OpenAPI schema does
// not declare (fields created in the "API global namespace"). Each field is typed by what the sample
// shows; a field seen only as null stays untyped. Pure inference plus one sampling helper; the
// `schemas` CLI command writes schemas from the result.
import type { CatalogObject } from '../catalog';
import { type CoupaClient, type CoupaRecord, paginate } from '../coupa';
import { loadOpenApi, type Schema } from '../openapi';

export type FieldType = 'string' | 'date-time' | 'integer' | 'number' | 'boolean' | 'lookup' | 'object' | 'array' | 'untyped';

export interface DiscoveredField {
  readonly name: string;
  /** Under `custom-fields`, or at the record's root (API global namespace). */
  readonly namespace: 'custom-fields' | 'root';
  readonly type: FieldType;
  /** Seen as null (or missing) in some sampled record. */
  readonly nullable: boolean;
  /** How many sampled records held a non-null value. */
  readonly seen: number;
}

export interface CustomFieldDiscovery {
  readonly object: string;
  readonly sampled: number;
  readonly fields: readonly DiscoveredField[];
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
/** Keys every record has or the poller adds; never custom. */
const ALWAYS_KNOWN = new Set(['id', 'created-at', 'updated-at', 'custom-fields', 'created-by', 'updated-by']);

/** The root keys Coupa's OpenAPI declares for the object (dashed, as records carry them). */
export function documentedKeys(object: CatalogObject): ReadonlySet<string> {
  const openApi = loadOpenApi();
  const schema: Schema | undefined = object.definition ? openApi.definitions[object.definition] : undefined;
  return new Set([...Object.keys(schema?.properties ?? {}), ...ALWAYS_KNOWN]);
}

/** The type one value shows. */
export function typeOfValue(value: unknown): FieldType | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return ISO_INSTANT.test(value) ? 'date-time' : 'string';
  if (Array.isArray(value)) return 'array';
  const record = value as Record<string, unknown>;
  // Lookup-value custom fields come back as the lookup value: an id and a name.
  if (typeof record.id === 'number' && ('name' in record || 'external-ref-num' in record)) return 'lookup';
  return 'object';
}

/** The type that fits both: integer and number give number, date-time and string give string. */
function widen(a: FieldType, b: FieldType): FieldType {
  if (a === b) return a;
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('number') && pair.size === 2) return 'number';
  if (pair.has('string') && pair.has('date-time') && pair.size === 2) return 'string';
  if (pair.has('lookup') && pair.has('object') && pair.size === 2) return 'object';
  return 'untyped';
}

/** The custom fields of `records` (one object's), typed by what they hold. */
export function discoverCustomFields(
  object: CatalogObject,
  records: readonly CoupaRecord[],
  known: ReadonlySet<string> = documentedKeys(object),
): CustomFieldDiscovery {
  const fields = new Map<string, { namespace: DiscoveredField['namespace']; name: string; type?: FieldType; seen: number }>();
  const note = (namespace: DiscoveredField['namespace'], name: string, value: unknown) => {
    const key = `${namespace}:${name}`;
    const entry = fields.get(key) ?? { namespace, name, seen: 0 };
    const type = typeOfValue(value);
    if (type !== null) {
      entry.type = entry.type === undefined ? type : widen(entry.type, type);
      entry.seen += 1;
    }
    fields.set(key, entry);
  };
  for (const record of records) {
    const custom = record['custom-fields'];
    if (custom && typeof custom === 'object' && !Array.isArray(custom)) {
      for (const [name, value] of Object.entries(custom)) note('custom-fields', name, value);
    }
    for (const [name, value] of Object.entries(record)) if (!known.has(name)) note('root', name, value);
  }
  return {
    object: object.key,
    sampled: records.length,
    fields: [...fields.values()]
      .map((f) => ({ name: f.name, namespace: f.namespace, type: f.type ?? 'untyped', nullable: f.seen < records.length, seen: f.seen }))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)),
  };
}

/** JSON Schema of one discovered field (null allowed when seen as null; untyped fields accept anything). */
export function fieldSchema(field: DiscoveredField): Record<string, unknown> {
  const base: Record<string, unknown> = (() => {
    switch (field.type) {
      case 'date-time':
        return { type: 'string', format: 'date-time' };
      case 'lookup':
        return { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };
      case 'untyped':
        return {};
      default:
        return { type: field.type };
    }
  })();
  const description = `Custom field (${field.namespace === 'root' ? 'API global namespace' : 'custom-fields'}), typed from ${field.seen} sampled value(s)`;
  if (field.type === 'untyped') return { description };
  return field.nullable ? { description, ...base, type: [base.type as string, 'null'] } : { description, ...base };
}

/** The most recently updated records of an object: `limit` records, 50 per request. */
export async function sampleRecords(client: Pick<CoupaClient, 'list'>, object: CatalogObject, limit = 200): Promise<CoupaRecord[]> {
  const records: CoupaRecord[] = [];
  for await (const page of paginate(client, object.path.replace(/^\//, ''), {
    order_by: 'updated_at',
    dir: 'desc',
    limit: Math.min(50, limit),
  })) {
    records.push(...page);
    if (records.length >= limit) break;
  }
  return records.slice(0, limit);
}

/**
 * One detail schema made specific to an instance: the default and shallow record definitions get the
 * discovered fields, under `custom-fields` (still open to fields not seen yet) and at the root. The
 * `$id` names the instance, the `title` stays the detail type (so files match events the same way).
 */
export function instanceDetailSchema(
  generic: Readonly<Record<string, unknown>>,
  recordDefinitions: readonly string[],
  discovery: CustomFieldDiscovery,
  instance: string,
): Record<string, unknown> {
  const schema = structuredClone(generic) as Record<string, unknown> & {
    definitions: Record<string, { properties: Record<string, unknown> }>;
  };
  const custom = discovery.fields.filter((f) => f.namespace === 'custom-fields');
  const root = discovery.fields.filter((f) => f.namespace === 'root');
  for (const name of recordDefinitions) {
    const definition = schema.definitions[name];
    if (!definition) throw new Error(`instanceDetailSchema: no definition ${name} in ${String(generic.title)}`);
    definition.properties['custom-fields'] = {
      type: ['object', 'null'],
      description: `${instance}'s custom fields (discovered from ${discovery.sampled} sampled record(s)); others may appear`,
      properties: Object.fromEntries(custom.map((f) => [f.name, fieldSchema(f)])),
    };
    for (const f of root) definition.properties[f.name] ??= fieldSchema(f);
  }
  schema.$id = `${String(generic.$id).replace(/\.json$/, '')}/${instance}.json`;
  return schema;
}

const TS_TYPES: Record<FieldType, string> = {
  string: 'string',
  'date-time': 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  lookup: '{ id: number; name?: string | null; [field: string]: unknown }',
  object: 'Record<string, unknown>',
  array: 'unknown[]',
  untyped: 'unknown',
};

/** TypeScript declarations of the discovered fields: one `<Object>CustomFields` interface per object. */
export function customFieldTypesSource(
  discoveries: readonly { object: CatalogObject; discovery: CustomFieldDiscovery }[],
  instance: string,
): string {
  const lines = [
    `// Custom fields of the Coupa instance "${instance}", discovered by \`coupa-connector schemas\`. Regenerate, don't edit.`,
    '',
  ];
  for (const { object, discovery } of discoveries) {
    const typeName = `${object.title.replace(/[^A-Za-z0-9]/g, '')}CustomFields`;
    const member = (f: DiscoveredField) => `  ${JSON.stringify(f.name)}?: ${TS_TYPES[f.type]}${f.nullable ? ' | null' : ''};`;
    lines.push(`/** Under \`custom-fields\` of ${object.title} records (${discovery.sampled} sampled). */`);
    lines.push(`export interface ${typeName} {`);
    lines.push(...discovery.fields.filter((f) => f.namespace === 'custom-fields').map(member));
    lines.push('  [field: string]: unknown;', '}', '');
    const root = discovery.fields.filter((f) => f.namespace === 'root');
    if (root.length > 0) {
      lines.push(`/** API-global-namespace custom fields at the root of ${object.title} records. */`);
      lines.push(`export interface ${typeName}AtRoot {`, ...root.map(member), '}', '');
    }
  }
  return lines.join('\n');
}
