import type { ModelRegistry, ObjectModel, ParentRelation } from './model';
import { loadOpenApi } from '../openapi';
import type { ReferencePools } from './pools';
import { hashString, mix4, Rng } from './random';
import { definitionSchema, isMetaProperty, type DefinitionSchema, type PropertySpec, type ScalarProperty } from './schema';
import { isoUtc } from './time-zone';
import * as words from './word-lists';

/**
 * Records made up from the OpenAPI definitions. Each property value is a pure function of
 * (seed, object, id, property), so a record can be generated whole for a response, or one attribute at
 * a time for a filter over 100,000 records, without storing anything.
 *
 * Stored form (what the store keeps and the renderer reads): dashed keys; datetimes as UTC ISO strings;
 * decimals as strings; associations as `{id}` pointers; owned child arrays absent (rendered live).
 */

export type Data = Record<string, unknown>;

interface Person {
  readonly first: string;
  readonly last: string;
  readonly login: string;
}

/** The immutable facts a generated record hangs on. */
export interface RecordSeed {
  readonly key: string;
  readonly id: number;
  readonly createdAtMs: number;
  /** Parent ids by parent catalog key (nested paths). */
  readonly links: Readonly<Record<string, number>>;
  /** Position among the parent's children, for `line-num`. */
  readonly ordinal?: number;
}

export interface GeneratorWorld {
  readonly models: ModelRegistry;
  readonly pools: ReferencePools;
  /** Records generated at start for an object (ids 1..n). */
  initialCount(key: string): number;
}

const DAY = 86_400_000;
/** Reference data worth filling in; other set-up associations stay null to keep records small. */
const COMMON_POOLS = new Set([
  'Currency',
  'Country',
  'AccountType',
  'PaymentTerm',
  'Uom',
  'Commodity',
  'ExpenseCategory',
  'Lookup',
  'ShippingTerm',
]);

/** What `property` needs to know about an object, worked out once per model instead of per value. */
interface ModelPlan {
  /** Stored properties in schema order: meta and owned arrays excluded. */
  readonly stored: readonly PropertySpec[];
  /** The parent relation a property carries (its id field or its association), the first one listed. */
  readonly relations: ReadonlyMap<string, ParentRelation>;
  /** Scalars that are always filled: the create's, the definition's and the overrides' required fields. */
  readonly requiredScalars: ReadonlySet<string>;
  /** Associations that are always filled: the create's required fields and the overrides' `filled`. */
  readonly requiredRefs: ReadonlySet<string>;
}

const CF_INTEGRATION_STATUSES = ['pending', 'synced', 'synced', 'error', null];
const CF_COST_CENTERS = ['CC-100', 'CC-200', 'CC-300'];

export class RecordGenerator {
  private readonly keyHashes = new Map<string, number>();
  private readonly propHashes = new Map<string, number>();
  private readonly plans = new Map<string, ModelPlan>();
  private readonly lineSchemas = new Map<string, DefinitionSchema | undefined>();
  /** Generating goes key by key: the last key's hash saves a lookup per value. */
  private lastKey = '';
  private lastKeyHash = 0;

  constructor(
    private readonly world: GeneratorWorld,
    private readonly seed: number,
  ) {}

  /** Every stored property of a generated record (meta and owned arrays excluded). */
  record(rec: RecordSeed): Data {
    const data: Data = {};
    for (const prop of this.plan(rec.key).stored) data[prop.name] = this.property(rec, prop);
    return data;
  }

  /** One property of a generated record. */
  property(rec: RecordSeed, prop: PropertySpec): unknown {
    const model = this.model(rec.key);
    const plan = this.plan(rec.key);
    const rng = this.rng(rec.key, rec.id, prop.name);
    const relation = plan.relations.get(prop.name);
    if (relation) {
      const parentId = rec.links[relation.parentKey];
      if (parentId === undefined) return null;
      return relation.parentField === prop.name ? parentId : { id: parentId };
    }
    switch (prop.type) {
      case 'custom-fields':
        return this.customFields(rng, rec);
      case 'ref':
        return this.reference(rng, prop.name, prop.definition, plan.requiredRefs.has(prop.name));
      case 'array':
        return this.array(rng, rec, prop.name, prop.definition);
      case 'scalar':
        return this.scalar(rng, rec, model, prop, plan.requiredScalars.has(prop.name));
    }
  }

  private scalar(rng: Rng, rec: RecordSeed, model: ObjectModel, prop: ScalarProperty, required: boolean): unknown {
    const name = prop.name;
    const derived = this.derived(rec, model, name);
    if (derived !== undefined) return derived;
    if (name === 'status' && model.overrides.statuses) return rng.pick(model.overrides.statuses);
    const values = model.overrides.values?.[name];
    if (values) return rng.pick(values);
    if (name === 'line-num' && rec.ordinal !== undefined) return prop.kind === 'integer' ? rec.ordinal : String(rec.ordinal);
    return scalarValue(rng, rec, model, prop, required, this);
  }

  /** Values that follow from others, so the record stays consistent. */
  private derived(rec: RecordSeed, model: ObjectModel, name: string): unknown {
    // No closures here: this runs for every generated scalar.
    switch (name) {
      case 'firstname':
        return model.key === 'users' ? this.person(rec).first : undefined;
      case 'lastname':
        return model.key === 'users' ? this.person(rec).last : undefined;
      case 'fullname': {
        if (model.key !== 'users') return undefined;
        const person = this.person(rec);
        return `${person.first} ${person.last}`;
      }
      case 'login':
        return model.key === 'users' ? this.person(rec).login : undefined;
      case 'email':
        return model.key === 'users' ? `${this.person(rec).login}@example.com` : undefined;
      case 'last-exported-at': {
        const exported = model.schema.properties.get('exported');
        if (!exported) return undefined;
        return this.property(rec, exported) === true
          ? isoUtc(rec.createdAtMs + this.rng(rec.key, rec.id, name).int(1, 72) * 3_600_000)
          : null;
      }
      case 'code':
        if (model.key !== 'accounts') return undefined;
        return ['segment-1', 'segment-2', 'segment-3'].map((s) => this.property(rec, model.schema.properties.get(s)!)).join('-');
      case 'segment-1':
      case 'segment-2':
      case 'segment-3':
        return model.key === 'accounts' ? String(this.rng(rec.key, rec.id, name).int(1, 9) * 100 + (rec.id % 100)) : undefined;
      default: {
        // `account-type-id` follows `account-type`: both name the same record.
        const assoc = name.endsWith('-id') ? model.schema.properties.get(name.slice(0, -3)) : undefined;
        if (assoc?.type !== 'ref') return undefined;
        const pointer = this.property(rec, assoc) as { id?: number } | null;
        return pointer?.id ?? null;
      }
    }
  }

  /** First and last name of the person a record is (users) or names (contacts). */
  person(rec: Pick<RecordSeed, 'key' | 'id'>): Person {
    const rng = this.rng(rec.key, rec.id, '#person');
    const first = rng.pick(words.FIRST_NAMES);
    const last = rng.pick(words.LAST_NAMES);
    const login = `${first}.${last}${rec.id}`.toLowerCase().replace(/ü/g, 'ue');
    return { first, last, login };
  }

  private reference(rng: Rng, name: string, definition: string, required: boolean): unknown {
    const targetKey = this.world.models.catalogKeyOf(definition);
    if (targetKey) {
      const count = this.world.initialCount(targetKey);
      if (count === 0) return null;
      const always = required || name === 'created-by' || name === 'updated-by';
      if (!always && rng.chance(0.25)) return null;
      return { id: rng.int(1, count) };
    }
    if (!required && !COMMON_POOLS.has(definition)) return null;
    return { id: rng.int(1, this.world.pools.list(definition).length) };
  }

  private array(rng: Rng, rec: RecordSeed, name: string, definition: string): unknown[] {
    let itemSchema = this.lineSchemas.get(definition);
    if (!this.lineSchemas.has(definition)) {
      itemSchema = lineSchema(definition, this.world.models);
      this.lineSchemas.set(definition, itemSchema);
    }
    if (!itemSchema) return [];
    const count = rng.int(1, 3);
    const lines: Data[] = [];
    for (let i = 1; i <= count; i++) lines.push(this.line(rec, name, itemSchema, i));
    return lines;
  }

  /** An embedded line (invoice-lines, requisition-lines): its own scalars and pointers. */
  private line(rec: RecordSeed, arrayName: string, schema: DefinitionSchema, index: number): Data {
    const id = rec.id * 10 + index; // unique per line definition: one parent object uses each
    const line: Data = { id, 'created-at': isoUtc(rec.createdAtMs), 'updated-at': isoUtc(rec.createdAtMs) };
    const lineRec: RecordSeed = { key: `${rec.key}.${arrayName}`, id, createdAtMs: rec.createdAtMs, links: {} };
    for (const prop of schema.properties.values()) {
      if (isMetaProperty(prop.name)) continue;
      const rng = this.rng(lineRec.key, id, prop.name);
      if (prop.name === 'line-num') line[prop.name] = prop.type === 'scalar' && prop.kind === 'integer' ? index : String(index);
      else if (prop.type === 'ref') line[prop.name] = this.reference(rng, prop.name, prop.definition, schema.required.includes(prop.name));
      else if (prop.type === 'array') line[prop.name] = [];
      else if (prop.type === 'scalar') line[prop.name] = scalarValue(rng, lineRec, undefined, prop, false, this);
    }
    return line;
  }

  private customFields(rng: Rng, rec: RecordSeed): Data {
    return {
      'cf-erp-number': rng.chance(0.6) ? `ERP-${100000 + rec.id}` : null,
      'cf-integration-status': rng.pick(CF_INTEGRATION_STATUSES),
      'cf-cost-center': rng.pick(CF_COST_CENTERS),
    };
  }

  private model(key: string): ObjectModel {
    const model = this.world.models.get(key);
    if (!model) throw new Error(`Unknown object ${key}`);
    return model;
  }

  /** The random stream of one property of one record. */
  rng(key: string, id: number, prop: string): Rng {
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastKeyHash = this.hash(this.keyHashes, key);
    }
    return new Rng(mix4(this.seed, this.lastKeyHash, id, this.hash(this.propHashes, prop)));
  }

  private plan(key: string): ModelPlan {
    let plan = this.plans.get(key);
    if (!plan) {
      const model = this.model(key);
      const relations = new Map<string, ParentRelation>();
      for (const r of model.parents) {
        for (const name of [r.parentField, r.refProperty]) if (name !== undefined && !relations.has(name)) relations.set(name, r);
      }
      const filled = model.overrides.filled ?? [];
      plan = {
        stored: [...model.schema.properties.values()].filter((p) => !isMetaProperty(p.name) && !model.ownedArrays.has(p.name)),
        relations,
        requiredScalars: new Set([...model.required, ...model.schema.required, ...filled]),
        requiredRefs: new Set([...model.required, ...filled]),
      };
      this.plans.set(key, plan);
    }
    return plan;
  }

  private hash(cache: Map<string, number>, text: string): number {
    let h = cache.get(text);
    if (h === undefined) {
      h = hashString(text);
      cache.set(text, h);
    }
    return h;
  }
}

/** The schema of an embedded line array's items, when they are lines (they have `line-num`) and not catalog records. */
function lineSchema(definition: string, models: ModelRegistry): DefinitionSchema | undefined {
  if (models.catalogKeyOf(definition)) return undefined;
  if (!loadOpenApi().definitions[definition]?.properties?.['line-num']) return undefined;
  return definitionSchema(definition);
}

function scalarValue(
  rng: Rng,
  rec: RecordSeed,
  model: ObjectModel | undefined,
  prop: ScalarProperty,
  required: boolean,
  people: RecordGenerator,
): unknown {
  const { name } = prop;
  if (prop.enum?.length) return rng.pick(prop.enum);
  switch (prop.kind) {
    case 'boolean':
      if (name === 'active' || name === 'enabled') return rng.chance(0.9);
      return rng.chance(0.4);
    case 'integer':
      if (name === 'version') return rng.int(1, 3);
      if (name.endsWith('-id')) return rng.chance(0.5) ? rng.int(1, 50) : null;
      return rng.int(1, 500);
    case 'float':
      return Math.round(rng.next() * 10000) / 100;
    case 'decimal':
      return decimalValue(rng, name);
    case 'datetime': {
      if (!required && rng.chance(0.3)) return null;
      const offset = (rng.next() * 40 - 30) * DAY;
      return isoUtc(rec.createdAtMs + offset);
    }
    case 'time':
      return `${String(rng.int(7, 18)).padStart(2, '0')}:${rng.pick(['00', '15', '30', '45'])}`;
    case 'unknown':
      return null;
    case 'text':
      return rng.chance(0.7) || required ? rng.pick(words.SENTENCES) : null;
    case 'string':
      return clip(stringValue(rng, rec, model, name, required, people), prop.maxLength);
  }
}

type DecimalKind = 'rate' | 'quantity' | 'percent' | 'amount';
const decimalKinds = new Map<string, DecimalKind>();

function decimalValue(rng: Rng, name: string): string {
  let kind = decimalKinds.get(name);
  if (kind === undefined) {
    kind =
      /rate$/.test(name) && !/tax/.test(name)
        ? 'rate'
        : /quantity|qty/.test(name)
          ? 'quantity'
          : /percent/.test(name)
            ? 'percent'
            : 'amount';
    decimalKinds.set(name, kind);
  }
  if (kind === 'rate') return (0.5 + rng.next()).toFixed(6);
  if (kind === 'quantity') return rng.int(1, 100).toFixed(2);
  if (kind === 'percent') return (rng.next() * 20).toFixed(2);
  return (rng.int(100, 1_000_000) / 100).toFixed(2);
}

function stringValue(
  rng: Rng,
  rec: RecordSeed,
  model: ObjectModel | undefined,
  name: string,
  required: boolean,
  people: RecordGenerator,
): string | null {
  const label = plainLabel(name);
  if (label !== undefined) {
    if (!required && rng.chance(0.5)) return null;
    return `${label} ${rec.id}`;
  }
  const place = words.CITIES[rec.id % words.CITIES.length]!;
  if (name === 'name' || name === 'display-name') return nameFor(rng, rec, model, people);
  if (name === 'title') return `${rng.pick(words.EXPENSE_TITLES)} ${rec.id}`;
  if (name === 'email' || name.endsWith('-email')) return `${name.replace(/-?email$/, '') || 'ap'}-${rec.id}@example.com`;
  if (name === 'firstname') return people.person(rec).first;
  if (name === 'lastname') return people.person(rec).last;
  if (name === 'number' || name.endsWith('-number'))
    return `${model?.overrides.numberPrefix ?? initials(rec.key)}-${String(rec.id).padStart(6, '0')}`;
  if (name === 'code' || name.endsWith('-code') || name.endsWith('-num') || name === 'external-src-ref' || name === 'external-ref-num')
    return `${initials(name)}-${rec.id}`;
  if (name === 'street1') return `${rng.int(1, 999)} ${rng.pick(words.STREETS)}`;
  if (name === 'city') return place[0];
  if (name === 'state') return place[1];
  if (name === 'postal-code') return place[2];
  if (name === 'description') return rng.pick(words.SENTENCES);
  if (name === 'type' && rec.key === 'inventory_transactions')
    return rng.pick(['InventoryReceipt', 'ReceivingQuantityConsumption', 'ReceivingAmountConsumption']);
  if (name === 'contact-alert-type') return rng.pick(['Functional', 'Technical']);
  if (name === 'business-object') return rng.pick(['InvoiceHeader', 'OrderHeader', 'Supplier', 'ExpenseReport']);
  if (name === 'end-system') return rng.pick(['SAP', 'Oracle EBS', 'NetSuite', 'Workday']);
  if (name.includes('phone')) return `+1 555 01${String(rec.id % 100).padStart(2, '0')}`;
  if (name.endsWith('url')) return `https://example.com/${rec.key}/${rec.id}`;
  if (!required && rng.chance(0.5)) return null;
  return `${name.replace(/-/g, ' ')} ${rec.id}`;
}

/** Names `stringValue` has no special rule for; most string attributes are these. */
const plainLabels = new Map<string, string | null>();

/** `cash-register-operator` → `cash register operator`; undefined for names with a rule of their own. */
function plainLabel(name: string): string | undefined {
  let label = plainLabels.get(name);
  if (label === undefined) {
    const special =
      [
        'name',
        'display-name',
        'title',
        'email',
        'firstname',
        'lastname',
        'number',
        'code',
        'external-src-ref',
        'external-ref-num',
      ].includes(name) ||
      ['street1', 'city', 'state', 'postal-code', 'description', 'type', 'contact-alert-type', 'business-object', 'end-system'].includes(
        name,
      ) ||
      ['-email', '-number', '-code', '-num', 'url'].some((end) => name.endsWith(end)) ||
      name.includes('phone');
    label = special ? null : name.replace(/-/g, ' ');
    plainLabels.set(name, label);
  }
  return label ?? undefined;
}

function nameFor(rng: Rng, rec: RecordSeed, model: ObjectModel | undefined, people: RecordGenerator): string {
  switch (model?.overrides.nameStyle) {
    case 'company':
      return `${rng.pick(words.COMPANY_WORDS)} ${rng.pick(words.COMPANY_SUFFIXES)} ${rec.id}`;
    case 'department':
      return `${rng.pick(words.DEPARTMENTS)} ${rec.id}`;
    case 'product':
      return `${rng.pick(words.PRODUCTS)} ${rec.id}`;
    case 'contract':
      return `${rng.pick(words.COMPANY_WORDS)} MSA ${rec.id}`;
    case 'integration':
      return `${rng.pick(words.INTEGRATION_NAMES)} ${rec.id}`;
    case 'lookup':
      return `${rng.pick(words.LOOKUPS)} ${100 + rec.id}`;
    case 'site':
      return `${rng.pick(words.CITIES)[0]} Site ${rec.id}`;
    case 'place':
      return `${rng.pick(['HQ', 'Warehouse', 'Branch', 'Plant'])} ${rec.id}`;
    default:
      if (model) return `${model.catalog.title} ${rec.id}`;
      return `${people.person(rec).first} ${people.person(rec).last}`;
  }
}

const initialsOf = new Map<string, string>();
const initials = (text: string): string => {
  let out = initialsOf.get(text);
  if (out === undefined) {
    out = text
      .split(/[-_.]/)
      .map((w) => w.charAt(0))
      .join('')
      .toUpperCase();
    initialsOf.set(text, out);
  }
  return out;
};

const clip = (value: string | null, max?: number): string | null => (value !== null && max !== undefined ? value.slice(0, max) : value);
