import type { Database } from './database';
import { badRequest } from './errors';
import type { Data } from './generator';
import { loadOpenApi } from '../openapi';
import type { Condition } from './query';
import { definitionSchema, type DefinitionSchema, type PropertySpec, type ValueKind } from './schema';
import type { RecordState } from './store';
import { parseInstant } from './time-zone';

/**
 * Query conditions compiled against an object's schema into predicates over stored records. Values are
 * compared by the attribute's type: datetimes as instants, numbers numerically, booleans as booleans.
 * A path through an embedded collection matches when any element matches. Null matches nothing but
 * `blank=true` (SQL semantics).
 */

export type Predicate = (state: RecordState) => boolean;

/** Reads the values a path reaches from a record (several through collections). */
type Reader = (state: RecordState) => unknown[];
/** Reads from a non-record context: a pool entity or an embedded line. */
type ObjectReader = (obj: Data) => unknown[];

interface Leaf {
  readonly kind: ValueKind | 'pointer';
  readonly read: Reader;
}

const TEXT_OPS = new Set(['contains', 'starts_with', 'ends_with']);

export class FilterCompiler {
  constructor(private readonly db: Database) {}

  compile(key: string, conditions: readonly Condition[]): Predicate {
    const predicates = conditions.map((c) => this.compileOne(key, c));
    return (state) => predicates.every((p) => p(state));
  }

  /** A reader for a single (sortable) attribute, its kind, for `order_by`. */
  sortKey(key: string, attribute: string): Leaf {
    const model = this.db.model(key);
    const leaf = this.recordLeaf(key, [attribute], model.catalog.model, attribute);
    if (leaf.kind === 'pointer' || !isSortable(model.schema.properties.get(attribute))) {
      if (!['id', 'created-at', 'updated-at'].includes(attribute)) throw badRequest(model.catalog.model, `Cannot order by ${attribute}`);
    }
    return leaf;
  }

  private compileOne(key: string, condition: Condition): Predicate {
    const modelName = this.db.model(key).catalog.model;
    const leaf = this.recordLeaf(key, condition.path, modelName, condition.param);
    const test = valueTest(leaf.kind, condition, modelName);
    return (state) => leaf.read(state).some(test);
  }

  private recordLeaf(key: string, path: readonly string[], modelName: string, param: string): Leaf {
    const [name, ...rest] = path as [string, ...string[]];
    const db = this.db;
    if (name === 'id' || name === 'created-at' || name === 'updated-at') {
      if (rest.length) throw notAnAssociation(modelName, name);
      if (name === 'id') return { kind: 'integer', read: (s) => [s.id] };
      return { kind: 'datetime', read: name === 'created-at' ? (s) => [s.createdAtMs] : (s) => [s.updatedAtMs] };
    }
    const model = db.model(key);
    const prop = model.schema.properties.get(name);
    if (!prop) {
      const assoc = /^(.+)-id$/.exec(name)?.[1];
      const assocProp = assoc ? model.schema.properties.get(assoc) : undefined;
      if (assocProp?.type === 'ref' && rest.length === 0)
        return { kind: 'integer', read: (s) => [pointerId(db.attribute(key, s, assoc!))] };
      if (name.startsWith('cf-') && rest.length === 0)
        return { kind: 'unknown', read: (s) => [customField(db.attribute(key, s, 'custom-fields'), name)] };
      throw badRequest(modelName, `Unknown attribute "${name}" in query parameter ${param}`);
    }
    const read: Reader = (s) => [db.attribute(key, s, name)];
    const childKey = model.ownedArrays.get(name);
    if (childKey) {
      if (rest.length === 0) throw badRequest(modelName, `${param}: ${name} is a collection; name one of its attributes`);
      const inner = this.recordLeaf(childKey, rest, modelName, param);
      const store = db.store(childKey);
      return {
        kind: inner.kind,
        read: (s) =>
          store.childIds(key, s.id).flatMap((id) => {
            const child = store.getVisible(id);
            return child ? inner.read(child) : [];
          }),
      };
    }
    return this.propertyLeaf(prop, rest, read, modelName, param);
  }

  /** Continues a path from a property whose values `read` returns. */
  private propertyLeaf(prop: PropertySpec, rest: readonly string[], read: Reader, modelName: string, param: string): Leaf {
    const db = this.db;
    switch (prop.type) {
      case 'scalar':
        if (rest.length) throw notAnAssociation(modelName, prop.name);
        return { kind: prop.kind, read };
      case 'custom-fields': {
        if (rest.length !== 1) throw badRequest(modelName, `${param}: name one custom field, e.g. custom_fields[cf-name]`);
        const field = rest[0]!;
        return { kind: 'unknown', read: (s) => read(s).map((v) => customField(v, field)) };
      }
      case 'ref': {
        if (rest.length === 0) return { kind: 'pointer', read: (s) => read(s).map(pointerId) };
        const targetKey = db.models.catalogKeyOf(prop.definition);
        if (targetKey) {
          const inner = this.recordLeaf(targetKey, rest, modelName, param);
          const store = db.store(targetKey);
          return {
            kind: inner.kind,
            read: (s) =>
              read(s).flatMap((p) => {
                const target = store.getVisible(Number(pointerId(p)));
                return target ? inner.read(target) : [];
              }),
          };
        }
        const inner = this.objectLeaf(prop.definition, rest, modelName, param);
        return {
          kind: inner.kind,
          read: (s) =>
            read(s).flatMap((p) => {
              const entity = db.pools.get(prop.definition, Number(pointerId(p)));
              return entity ? inner.read(entity as Data) : [];
            }),
        };
      }
      case 'array': {
        if (rest.length === 0) throw badRequest(modelName, `${param}: ${prop.name} is a collection; name one of its attributes`);
        const inner = this.objectLeaf(prop.definition, rest, modelName, param);
        return {
          kind: inner.kind,
          read: (s) => read(s).flatMap((v) => (Array.isArray(v) ? v.flatMap((el) => (isObject(el) ? inner.read(el) : [])) : [])),
        };
      }
    }
  }

  /** A path inside a pool entity or an embedded line (no catalog record behind it). */
  private objectLeaf(
    definition: string,
    path: readonly string[],
    modelName: string,
    param: string,
  ): { kind: ValueKind | 'pointer'; read: ObjectReader } {
    const [name, ...rest] = path as [string, ...string[]];
    const schema: DefinitionSchema | undefined = loadOpenApi().definitions[definition] ? definitionSchema(definition) : undefined;
    const prop = schema?.properties.get(name);
    if (!prop && schema) throw badRequest(modelName, `Unknown attribute "${name}" in query parameter ${param}`);
    if (!prop || prop.type === 'scalar' || prop.type === 'custom-fields') {
      if (rest.length) throw notAnAssociation(modelName, name);
      return { kind: prop?.type === 'scalar' ? prop.kind : 'unknown', read: (o) => [o[name]] };
    }
    if (prop.type === 'ref') {
      if (rest.length === 0) return { kind: 'pointer', read: (o) => [pointerId(o[name])] };
      const targetKey = this.db.models.catalogKeyOf(prop.definition);
      if (targetKey) {
        const inner = this.recordLeaf(targetKey, rest, modelName, param);
        const store = this.db.store(targetKey);
        return {
          kind: inner.kind,
          read: (o) => {
            const target = store.getVisible(Number(pointerId(o[name])));
            return target ? inner.read(target) : [];
          },
        };
      }
      const inner = this.objectLeaf(prop.definition, rest, modelName, param);
      return {
        kind: inner.kind,
        read: (o) => {
          const entity = this.db.pools.get(prop.definition, Number(pointerId(o[name])));
          return entity ? inner.read(entity as Data) : [];
        },
      };
    }
    const inner = this.objectLeaf(prop.definition, rest, modelName, param);
    return {
      kind: inner.kind,
      read: (o) => (Array.isArray(o[name]) ? (o[name] as unknown[]).flatMap((el) => (isObject(el) ? inner.read(el) : [])) : []),
    };
  }
}

/** The test one condition applies to each value its path reaches. */
function valueTest(kind: ValueKind | 'pointer', condition: Condition, modelName: string): (value: unknown) => boolean {
  const { op, value: raw, param } = condition;
  if (op === 'blank') {
    const wanted = parseBoolean(raw);
    if (wanted === undefined) throw badRequest(modelName, `${param} must be true or false`);
    return (v) => isBlank(v) === wanted;
  }
  if (kind === 'datetime' && TEXT_OPS.has(op))
    throw badRequest(modelName, `${param}: the ${op} operator cannot be used with a datetime attribute`);
  const operand = (text: string) => parseOperand(kind, text, modelName, param);
  const normalize = (v: unknown) => normalizeValue(kind, v);
  switch (op) {
    case 'eq':
    case 'not_eq': {
      const x = operand(raw);
      const equal = (v: unknown) => {
        const n = normalize(v);
        return n !== undefined && n === x;
      };
      return op === 'eq' ? equal : (v) => !isBlank(v) && !equal(v);
    }
    case 'in':
    case 'not_in': {
      const set = new Set(raw.split(',').map((t) => operand(t.trim())));
      return op === 'in' ? (v) => set.has(normalize(v) as never) : (v) => !isBlank(v) && !set.has(normalize(v) as never);
    }
    case 'gt':
    case 'lt':
    case 'gt_or_eq':
    case 'lt_or_eq': {
      const x = operand(raw);
      return (v) => {
        const n = normalize(v);
        if (n === undefined) return false;
        const c = n < x ? -1 : n > x ? 1 : 0;
        return op === 'gt' ? c > 0 : op === 'lt' ? c < 0 : op === 'gt_or_eq' ? c >= 0 : c <= 0;
      };
    }
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return (v) => {
        if (isBlank(v)) return false;
        const s = String(v);
        return op === 'contains' ? s.includes(raw) : op === 'starts_with' ? s.startsWith(raw) : s.endsWith(raw);
      };
  }
}

type Comparable = string | number | boolean;

function parseOperand(kind: ValueKind | 'pointer', text: string, modelName: string, param: string): Comparable {
  switch (kind) {
    case 'integer':
    case 'decimal':
    case 'float':
    case 'pointer': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw badRequest(modelName, `${param}: "${text}" is not a number`);
      return n;
    }
    case 'boolean': {
      const b = parseBoolean(text);
      if (b === undefined) throw badRequest(modelName, `${param}: "${text}" is not true or false`);
      return b;
    }
    case 'datetime': {
      const ms = parseInstant(text);
      if (ms === undefined) throw badRequest(modelName, `${param}: "${text}" is not a valid ISO-8601 date or datetime`);
      return ms;
    }
    default:
      return text;
  }
}

/** A stored value in the comparable form of its kind; undefined for null. */
export function normalizeValue(kind: ValueKind | 'pointer', v: unknown): Comparable | undefined {
  if (v === null || v === undefined) return undefined;
  switch (kind) {
    case 'integer':
    case 'decimal':
    case 'float':
    case 'pointer': {
      const n = Number(v);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return v === true || v === 'true' || v === 1;
    case 'datetime':
      return typeof v === 'number' ? v : (parseInstant(String(v)) ?? undefined);
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 't') return true;
  if (t === 'false' || t === '0' || t === 'f') return false;
  return undefined;
}

const isBlank = (v: unknown): boolean => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const isObject = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);
const pointerId = (p: unknown): unknown => (isObject(p) ? (p.id ?? null) : p);
const customField = (hash: unknown, name: string): unknown => (isObject(hash) ? hash[name] : undefined);
const notAnAssociation = (modelName: string, name: string) =>
  badRequest(modelName, `${name} is not an association; it has no attributes to query`);
const isSortable = (prop: PropertySpec | undefined): boolean => prop?.type === 'scalar';
