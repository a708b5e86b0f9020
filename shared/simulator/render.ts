import { loadOpenApi } from '../openapi';
import { LABEL_FIELDS, SMALL_DEFINITION } from '../openapi/association-fields';
import type { Database, ResolvedRef } from './database';
import type { FieldSelection } from './fields';
import type { Data } from './generator';
import type { RenderCache } from './render-cache';
import { definitionSchema, isMetaProperty, type DefinitionSchema, type PropertySpec } from './schema';
import type { RecordState } from './store';
import { isoUtc } from './time-zone';

/**
 * Records as Coupa's JSON shows them: dashed keys, `id`/`created-at`/`updated-at` first, datetimes in the
 * instance zone, decimals as strings, associations as small nested objects read live from the
 * referenced record, owned children (a PO's `order-lines`) embedded in full, and the return types
 * `shallow` / `limited` and the `fields` filter.
 */

export type ReturnMode = 'default' | 'shallow' | 'limited';

export interface RenderOptions {
  readonly mode: ReturnMode;
  readonly fields?: FieldSelection;
  /** Output form of a stored UTC datetime: the instance zone for the API, unchanged for control. */
  readonly time: (isoUtc: string) => string;
  /**
   * Shares rendered associations between answers rendered with the same `time`. Only for
   * output that is serialized at once (the API): the objects returned may then be shared.
   */
  readonly cache?: RenderCache;
}

/** Owned children embed their own owned children only this deep. */
const MAX_DEPTH = 2;

export class Renderer {
  private readonly summaryCache = new Map<string, readonly string[]>();

  constructor(private readonly db: Database) {}

  /** `record(…)` as UTF-8 JSON. */
  recordJson(key: string, state: RecordState, options: RenderOptions): Buffer {
    return Buffer.from(JSON.stringify(this.record(key, state, options)));
  }

  record(key: string, state: RecordState, options: RenderOptions, depth = 0): Data {
    if (options.fields) return this.omitNulls(key, this.select(key, state, options.fields, options, depth));
    if (options.mode === 'limited') return { id: state.id };
    const model = this.db.model(key);
    const data = this.db.dataOf(key, state, false);
    const out: Data = this.meta(state, options);
    for (const prop of model.schema.properties.values()) {
      if (isMetaProperty(prop.name)) continue;
      const childKey = model.ownedArrays.get(prop.name);
      out[prop.name] = childKey ? this.children(key, state, childKey, options, depth) : this.value(prop, data[prop.name], options);
    }
    return this.omitNulls(key, out);
  }

  private meta(state: RecordState, options: RenderOptions): Data {
    return { id: state.id, 'created-at': options.time(isoUtc(state.createdAtMs)), 'updated-at': options.time(isoUtc(state.updatedAtMs)) };
  }

  private children(
    key: string,
    state: RecordState,
    childKey: string,
    options: RenderOptions,
    depth: number,
    selection?: FieldSelection,
  ): Data[] {
    const store = this.db.store(childKey);
    const out: Data[] = [];
    for (const id of store.childIds(key, state.id)) {
      const child = store.getVisible(id);
      if (!child) continue;
      if (selection) out.push(this.select(childKey, child, selection, options, depth + 1));
      else if (options.mode === 'shallow' || depth >= MAX_DEPTH) out.push(this.identity({ kind: 'record', key: childKey, state: child }));
      else out.push(this.record(childKey, child, this.wholeChildOptions(options), depth + 1));
    }
    return out;
  }

  /** Owned children shown whole: the default return type, no field selection. */
  private wholeChildOptions(options: RenderOptions): RenderOptions {
    if (options.mode === 'default' && !options.fields) return options;
    return { mode: 'default', time: options.time, ...(options.cache ? { cache: options.cache } : {}) };
  }

  /** One stored value in output form. */
  value(prop: PropertySpec, value: unknown, options: RenderOptions): unknown {
    if (value === undefined || value === null) return prop.type === 'array' ? [] : null;
    switch (prop.type) {
      case 'scalar':
        if (prop.kind === 'datetime' && typeof value === 'string') return options.time(value);
        if (prop.kind === 'decimal' && typeof value === 'number') return String(value);
        return value;
      case 'ref': {
        const resolved = this.db.resolvePointer(prop.definition, value);
        if (!resolved) return value;
        return options.mode === 'shallow' ? this.identity(resolved) : this.summary(prop.definition, resolved, options);
      }
      case 'array':
        if (!Array.isArray(value)) return value;
        return value.map((el) =>
          options.mode === 'shallow' && isObject(el) ? { id: el.id } : this.embedded(prop.definition, el, options),
        );
      case 'custom-fields':
        return isObject(value) ? { ...value } : value;
    }
  }

  /** An element of an embedded array that is not a record of its own (an invoice line). */
  private embedded(definition: string, element: unknown, options: RenderOptions, selection?: FieldSelection): unknown {
    if (!isObject(element)) return element;
    const schema = schemaOrUndefined(definition);
    const out: Data = {};
    const names = selection ? [...selection.keys()] : Object.keys(element);
    for (const name of names) {
      const prop = schema?.properties.get(name);
      const sub = selection?.get(name);
      if (prop?.type === 'ref' && sub instanceof Map) {
        const resolved = this.db.resolvePointer(prop.definition, element[name]);
        out[name] = resolved ? this.selectResolved(resolved, sub, options) : null;
      } else out[name] = prop ? this.value(prop, element[name], options) : (element[name] ?? null);
    }
    return out;
  }

  /** An association as Coupa nests it: small definitions whole, big ones by id, natural keys and labels. */
  private summary(definition: string, resolved: ResolvedRef, options: RenderOptions): Data {
    if (resolved.kind === 'pool') return options.cache ? resolved.entity : { ...resolved.entity };
    const { key, state } = resolved;
    const cached = options.cache?.summary(definition, state);
    if (cached) return cached;
    const targetSchema = this.db.model(key).schema;
    const out: Data = {};
    for (const field of this.summaryFields(definition, key)) {
      if (isMetaProperty(field)) {
        out[field] = field === 'id' ? state.id : options.time(isoUtc(field === 'created-at' ? state.createdAtMs : state.updatedAtMs));
        continue;
      }
      const prop = targetSchema.properties.get(field);
      const value = this.storedValue(key, state, field);
      if (prop?.type === 'ref') {
        const inner = this.db.resolvePointer(prop.definition, value);
        out[field] = inner ? this.identity(inner) : null;
      } else out[field] = prop ? this.value(prop, value, options) : null;
    }
    options.cache?.setSummary(definition, state, out);
    return out;
  }

  /** id plus natural keys: the shallow form of an association. */
  identity(resolved: ResolvedRef): Data {
    if (resolved.kind === 'pool') {
      const { id, code, name } = resolved.entity as Data;
      return { id, ...(code !== undefined ? { code } : {}), ...(name !== undefined ? { name } : {}) };
    }
    const { key, state } = resolved;
    const out: Data = { id: state.id };
    for (const field of naturalKeyFields(this.db, key)) {
      const prop = this.db.model(key).schema.properties.get(field);
      const value = field === 'id' ? state.id : this.storedValue(key, state, field);
      if (prop?.type === 'ref') {
        const inner = this.db.resolvePointer(prop.definition, value);
        out[field] = inner ? this.identity(inner) : null;
      } else out[field] = value ?? null;
    }
    return out;
  }

  /**
   * One attribute of an associated record as stored (owned arrays are not stored). Generated one at a
   * time: an association shows a few attributes of a record that is seldom read whole.
   */
  private storedValue(key: string, state: RecordState, name: string): unknown {
    if (state.data) return state.data[name];
    return this.db.model(key).ownedArrays.has(name) ? undefined : this.db.attribute(key, state, name);
  }

  private summaryFields(definition: string, targetKey: string): readonly string[] {
    const cacheKey = `${definition}>${targetKey}`;
    let fields = this.summaryCache.get(cacheKey);
    if (!fields) {
      const schema = schemaOrUndefined(definition) ?? this.db.model(targetKey).schema;
      const scalars = [...schema.properties.values()].filter((p) => p.type === 'scalar').map((p) => p.name);
      fields =
        schema.properties.size <= SMALL_DEFINITION
          ? scalars
          : unique(['id', ...naturalKeyFields(this.db, targetKey), ...LABEL_FIELDS.filter((f) => schema.properties.has(f))]);
      this.summaryCache.set(cacheKey, fields);
    }
    return fields;
  }

  /** The `fields` filter applied to a record. */
  private select(key: string, state: RecordState, selection: FieldSelection, options: RenderOptions, depth: number): Data {
    const model = this.db.model(key);
    const meta = this.meta(state, options);
    const out: Data = {};
    for (const [name, sub] of selection) {
      if (name in meta) {
        out[name] = meta[name];
        continue;
      }
      const prop = model.schema.properties.get(name);
      if (!prop) continue; // unknown names are ignored, as response filters do
      const childKey = model.ownedArrays.get(name);
      const value = this.db.attribute(key, state, name);
      if (childKey) out[name] = this.children(key, state, childKey, options, depth, sub === true ? undefined : sub);
      else if (prop.type === 'custom-fields')
        out[name] = sub === true || !isObject(value) ? this.value(prop, value, options) : pick(value, [...sub.keys()]);
      else if (sub === true || prop.type === 'scalar') out[name] = this.value(prop, value, options);
      else if (prop.type === 'ref') {
        const resolved = this.db.resolvePointer(prop.definition, value);
        out[name] = resolved ? this.selectResolved(resolved, sub, options, depth) : null;
      } else if (prop.type === 'array')
        out[name] = Array.isArray(value) ? value.map((el) => this.embedded(prop.definition, el, options, sub)) : [];
    }
    return out;
  }

  private selectResolved(resolved: ResolvedRef, selection: FieldSelection, options: RenderOptions, depth = 0): Data {
    if (resolved.kind === 'pool') return pick(resolved.entity, [...selection.keys()]);
    return this.select(resolved.key, resolved.state, selection, options, depth + 1);
  }

  private omitNulls(key: string, out: Data): Data {
    if (!this.db.model(key).overrides.omitNulls) return out;
    for (const [k, v] of Object.entries(out)) if (v === null) delete out[k];
    return out;
  }
}

/** Attributes of an object's natural keys that sit on the record itself (`account-type.name` → `account-type`). */
export function naturalKeyFields(db: Database, key: string): string[] {
  return unique(
    db
      .model(key)
      .catalog.naturalKeys.flat()
      .map((k) => k.split('.')[0]!),
  );
}

const schemas = new Map<string, DefinitionSchema | undefined>();
function schemaOrUndefined(definition: string): DefinitionSchema | undefined {
  if (!schemas.has(definition)) schemas.set(definition, loadOpenApi().definitions[definition] ? definitionSchema(definition) : undefined);
  return schemas.get(definition);
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];
const isObject = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);

function pick(source: Readonly<Record<string, unknown>>, keys: readonly string[]): Data {
  const out: Data = {};
  for (const k of keys) out[k] = source[k] ?? null;
  return out;
}
