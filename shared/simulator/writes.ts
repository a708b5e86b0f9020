import type { Database } from './database';
import { ApiError } from './errors';
import type { Data } from './generator';
import { loadOpenApi } from '../openapi';
import { dashKeys, humanize } from './names';
import type { ObjectModel } from './model';
import { definitionSchema, isMetaProperty, type PropertySpec, type ScalarProperty } from './schema';
import { isoUtc, parseInstant } from './time-zone';

/**
 * Applies a create/update body to a record's data the way Coupa does: partial updates, dashed or
 * underscored keys, references by id or natural key (must exist), `custom-fields` merged, embedded
 * lines edited by `id`, added without one, removed with `_delete`. Validation failures are collected
 * and reported together as a 400 keyed by the model name.
 */

export interface ChildPlan {
  readonly childKey: string;
  readonly op: 'create' | 'update' | 'delete';
  readonly id?: number;
  readonly data?: Data;
}

export interface WritePlan {
  readonly data: Data;
  readonly children: readonly ChildPlan[];
}

/** The id of the API user the simulator acts as (`created-by`, `updated-by` of API writes). */
export const API_USER_ID = 1;

export class WriteApplier {
  private nextLineId = 900_000_001;

  constructor(private readonly db: Database) {}

  /** Normalises a request body: dashed keys, unwrapped from a `{"<model>": {...}}` root if one is sent. */
  normalizeBody(model: ObjectModel, body: unknown): Data {
    if (body === undefined || body === null || body === '') return {};
    if (typeof body !== 'object' || Array.isArray(body))
      throw new ApiError(400, model.catalog.model, ['The request body must be a JSON object']);
    let data = dashKeys(body) as Data;
    const keys = Object.keys(data);
    const root = keys.length === 1 ? keys[0]! : undefined;
    if (
      root &&
      !model.schema.properties.has(root) &&
      [model.catalog.model.replace(/_/g, '-'), model.key.replace(/_/g, '-')].includes(root) &&
      isObject(data[root])
    ) {
      data = data[root] as Data;
    }
    return data;
  }

  /** Validates `body` against the object and applies it onto `data` (a private copy, changed in place). */
  apply(model: ObjectModel, data: Data, body: Data, options: { creating: boolean; parentId?: number }): WritePlan {
    const errors: string[] = [];
    const invalid = new Set<string>();
    const children: ChildPlan[] = [];
    for (const [name, value] of Object.entries(body)) {
      if (isMetaProperty(name) || name.startsWith('_')) continue;
      const prop = model.schema.properties.get(name);
      if (!prop || prop.readOnly) continue; // Coupa ignores what it does not let you write
      const before = errors.length;
      const childKey = model.ownedArrays.get(name);
      if (childKey) children.push(...this.childPlans(model, childKey, name, value, options.parentId, errors));
      else this.applyProperty(data, prop, value, errors);
      if (errors.length > before) invalid.add(name);
    }
    this.syncAssociationIds(model, data, body, errors, invalid);
    const required = options.creating ? model.required : model.required.filter((f) => f in body);
    for (const field of required) if (!invalid.has(field) && isBlank(data[field])) errors.push(`${humanize(field)} can't be blank`);
    if (errors.length) throw new ApiError(400, model.catalog.model, errors);
    return { data, children };
  }

  /** `integration-run-id: 5` in a body names the association `integration-run`; a set association updates its `-id`. */
  private syncAssociationIds(model: ObjectModel, data: Data, body: Data, errors: string[], invalid: Set<string>): void {
    for (const prop of model.schema.properties.values()) {
      if (prop.type !== 'ref' || prop.readOnly) continue;
      const idName = `${prop.name}-id`;
      if (model.schema.properties.get(idName)?.type !== 'scalar') continue;
      if (idName in body && !(prop.name in body)) {
        const given = body[idName];
        const pointer = given === null ? null : this.resolveReference(prop.definition, { id: given });
        if (pointer === undefined) {
          errors.push(`${humanize(prop.name)} is invalid`);
          invalid.add(prop.name);
          continue;
        }
        data[prop.name] = pointer;
      }
      if (idName in body || prop.name in body) data[idName] = (data[prop.name] as { id?: number } | null)?.id ?? null;
    }
  }

  private applyProperty(data: Data, prop: PropertySpec, value: unknown, errors: string[]): void {
    switch (prop.type) {
      case 'scalar': {
        const coerced = coerceScalar(prop, value);
        if (coerced.error) errors.push(`${humanize(prop.name)} ${coerced.error}`);
        else data[prop.name] = coerced.value;
        return;
      }
      case 'ref': {
        if (value === null) {
          data[prop.name] = null;
          return;
        }
        const pointer = this.resolveReference(prop.definition, value);
        if (pointer) data[prop.name] = pointer;
        else errors.push(`${humanize(prop.name)} is invalid`);
        return;
      }
      case 'custom-fields':
        if (!isObject(value)) errors.push('Custom fields must be an object');
        else data[prop.name] = { ...(isObject(data[prop.name]) ? (data[prop.name] as Data) : {}), ...value };
        return;
      case 'array':
        if (!Array.isArray(value)) errors.push(`${humanize(prop.name)} must be an array`);
        else data[prop.name] = this.mergeLines(prop.name, prop.definition, data[prop.name], value, errors);
        return;
    }
  }

  /** `{id}` for a reference given by id or by attributes (`{"name":"Acme"}`), if it exists. */
  resolveReference(definition: string, value: unknown): { id: number } | undefined {
    const given: Data = isObject(value) ? value : typeof value === 'number' || typeof value === 'string' ? { id: value } : {};
    const key = this.db.models.catalogKeyOf(definition);
    if (!key) {
      const entity = this.db.pools.resolve(definition, given);
      return entity ? { id: entity.id } : undefined;
    }
    const store = this.db.store(key);
    if (given.id !== undefined && given.id !== null) {
      const id = Number(given.id);
      return Number.isInteger(id) && store.getVisible(id) ? { id } : undefined;
    }
    const criteria = Object.entries(given).filter(([, v]) => v !== null && typeof v !== 'object');
    if (criteria.length === 0) return undefined;
    for (const state of store.byId('asc')) {
      if (criteria.every(([k, v]) => String(this.db.attribute(key, state, k) ?? '') === String(v))) return { id: state.id };
    }
    return undefined;
  }

  /** Embedded lines that are not records of their own (invoice-lines): edit by id, add without, `_delete`. */
  private mergeLines(name: string, definition: string, current: unknown, changes: readonly unknown[], errors: string[]): unknown[] {
    const schema = loadOpenApi().definitions[definition] ? definitionSchema(definition) : undefined;
    const lines = Array.isArray(current) ? current.map((l) => (isObject(l) ? { ...l } : l)) : [];
    if (!schema?.properties.has('line-num') && !lines.some(isObject)) {
      // A plain collection (tags, approvals…): replaced as given.
      return changes.map((c) => (isObject(c) ? dashKeys(c) : c));
    }
    const nowIso = isoUtc(this.db.now());
    for (const change of changes) {
      if (!isObject(change)) {
        errors.push(`${humanize(name)} entries must be objects`);
        continue;
      }
      const id = change.id === undefined || change.id === null ? undefined : Number(change.id);
      const at = id === undefined ? -1 : lines.findIndex((l) => isObject(l) && Number(l.id) === id);
      if (id !== undefined && at < 0) {
        errors.push(`${humanize(name)} line ${change.id} not found`);
        continue;
      }
      if (change._delete === true || change._delete === 'true') {
        if (at >= 0) lines.splice(at, 1);
        continue;
      }
      const line: Data = at >= 0 ? (lines[at] as Data) : { id: this.nextLineId++, 'created-at': nowIso, 'line-num': nextLineNum(lines) };
      for (const [k, v] of Object.entries(change)) {
        if (k === 'id' || k.startsWith('_')) continue;
        const prop = schema?.properties.get(k);
        if (!prop || isMetaProperty(k)) line[k] = v;
        else this.applyProperty(line, prop, v, errors);
      }
      if (
        schema?.properties.get('line-num')?.type === 'scalar' &&
        typeof line['line-num'] === 'number' &&
        (schema.properties.get('line-num') as ScalarProperty).kind !== 'integer'
      ) {
        line['line-num'] = String(line['line-num']);
      }
      line['updated-at'] = nowIso;
      if (at < 0) lines.push(line);
    }
    return lines;
  }

  /** Plans for an owned child collection (a PO's `order-lines` are `purchase_order_lines` records). */
  private childPlans(
    parent: ObjectModel,
    childKey: string,
    name: string,
    value: unknown,
    parentId: number | undefined,
    errors: string[],
  ): ChildPlan[] {
    if (!Array.isArray(value)) {
      errors.push(`${humanize(name)} must be an array`);
      return [];
    }
    const child = this.db.model(childKey);
    const store = this.db.store(childKey);
    const plans: ChildPlan[] = [];
    let nextNum = parentId === undefined ? 1 : store.childIds(parent.key, parentId).length + 1;
    for (const raw of value) {
      if (!isObject(raw)) {
        errors.push(`${humanize(name)} entries must be objects`);
        continue;
      }
      const body = dashKeys(raw) as Data;
      const id = body.id === undefined || body.id === null ? undefined : Number(body.id);
      if (id !== undefined) {
        const existing = store.getVisible(id);
        if (!existing || (parentId !== undefined && existing.links[parent.key] !== parentId)) {
          errors.push(`${humanize(name)} line ${body.id} not found`);
          continue;
        }
        if (body._delete === true || body._delete === 'true') {
          plans.push({ childKey, op: 'delete', id });
          continue;
        }
        const data = this.db.editableData(childKey, existing);
        this.collect(() => this.apply(child, data, body, { creating: false }), errors);
        plans.push({ childKey, op: 'update', id, data });
        continue;
      }
      const data: Data = {};
      if (child.schema.properties.has('line-num') && body['line-num'] === undefined) body['line-num'] = nextNum;
      nextNum++;
      this.collect(() => this.apply(child, data, body, { creating: true }), errors);
      plans.push({ childKey, op: 'create', data });
    }
    return plans;
  }

  private collect(fn: () => void, errors: string[]): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof ApiError) errors.push(...e.messages);
      else throw e;
    }
  }
}

/** A body value as the stored form of a scalar property, or why it is not acceptable. */
export function coerceScalar(prop: ScalarProperty, value: unknown): { value?: unknown; error?: string } {
  if (value === null) return { value: null };
  if (typeof value === 'object') return { error: 'is invalid' };
  switch (prop.kind) {
    case 'integer': {
      const n = Number(value);
      return Number.isInteger(n) && String(value).trim() !== '' ? { value: n } : { error: 'is not a number' };
    }
    case 'decimal': {
      const n = Number(value);
      if (!Number.isFinite(n) || String(value).trim() === '' || typeof value === 'boolean') return { error: 'is not a number' };
      return { value: typeof value === 'string' ? value.trim() : String(value) };
    }
    case 'float': {
      const n = Number(value);
      return Number.isFinite(n) && typeof value !== 'boolean' ? { value: n } : { error: 'is not a number' };
    }
    case 'boolean':
      if (value === true || value === 'true' || value === 1 || value === '1') return { value: true };
      if (value === false || value === 'false' || value === 0 || value === '0') return { value: false };
      return { error: 'is not a boolean' };
    case 'datetime': {
      const ms = typeof value === 'string' ? parseInstant(value) : undefined;
      return ms === undefined ? { error: 'is not a valid datetime' } : { value: isoUtc(ms) };
    }
    default: {
      const text = String(value);
      if (prop.maxLength !== undefined && text.length > prop.maxLength)
        return { error: `is too long (maximum is ${prop.maxLength} characters)` };
      if (prop.enum && !prop.enum.includes(text)) return { error: 'is not included in the list' };
      return { value: text };
    }
  }
}

function nextLineNum(lines: readonly unknown[]): number {
  let max = 0;
  for (const l of lines) if (isObject(l)) max = Math.max(max, Number(l['line-num']) || 0);
  return max + 1;
}

const isObject = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);
const isBlank = (v: unknown): boolean => v === undefined || v === null || v === '';
