import type { CatalogObject } from '../catalog';
import { loadOpenApi, type Schema } from '../openapi';
import { LABEL_FIELDS, SMALL_DEFINITION } from '../openapi/association-fields';
import { POLYMORPHIC_DEFINITION, propertyKindOf, type ValueKind } from '../openapi/property-kind';
import type { EventReturnType } from './types';

/**
 * The shape of `data` per trigger object and return type, derived from Coupa's R39 OpenAPI definitions:
 * one model that the JSON Schemas, the registry's OpenAPI documents, the TypeScript types and the zod
 * schemas are all written from.
 *
 * - `default`: every documented field with its type; associations and embedded arrays as nested objects
 *   typed one level deep (their own associations stay open objects).
 * - `shallow` (`return_object=shallow`): the same fields, associations as their id and natural keys.
 * - `limited`: what the poller asks for, `id`, `created-at`, `updated-at`.
 *
 * Every field may be null (Coupa sends null for unset fields) and every object stays open: Coupa adds
 * fields between releases, and `custom-fields` holds whatever the instance defines.
 */

export type FieldType =
  /**
   * `enum` on a non-string scalar: the labels Coupa's files list for it, which Coupa may send instead of
   * the value (a Rails enum shows `"our_paper"` for an integer column).
   */
  | { readonly t: 'integer' | 'number' | 'boolean'; readonly enum?: readonly string[] }
  | { readonly t: 'string' | 'object' | 'unknown' }
  /** Another shape of the same model, by name. */
  | { readonly t: 'ref'; readonly name: string }
  | { readonly t: 'array'; readonly items: FieldType };

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  readonly nullable: boolean;
}

export interface Shape {
  /** A name usable as a TypeScript identifier and an OpenAPI component name: `InvoiceRecord`, `Currency`, `CurrencyRef`. */
  readonly name: string;
  readonly description: string;
  readonly fields: readonly Field[];
  readonly required: readonly string[];
  /** Other fields allowed (false only for `limited`, which the poller asks for by name). */
  readonly open: boolean;
  /** The whole object may be null (associations). */
  readonly nullable: boolean;
}

export interface ObjectShapes {
  /** The record shape per return type. */
  readonly records: Readonly<Record<EventReturnType, string>>;
  /** Every shape the records reach, by name (records first). */
  readonly shapes: ReadonlyMap<string, Shape>;
}

const META_FIELDS = ['id', 'created-at', 'updated-at'];
const LIMITED: Shape = {
  name: 'LimitedRecord',
  description: 'A `limited` event record: what changed and when; fetch the record when you need it.',
  fields: [
    { name: 'id', type: { t: 'integer' }, nullable: false },
    { name: 'created-at', type: { t: 'string' }, nullable: false },
    { name: 'updated-at', type: { t: 'string' }, nullable: false },
  ],
  required: META_FIELDS,
  open: false,
  nullable: false,
};

const scalarType = (kind: ValueKind, labels?: readonly string[]): FieldType => {
  const withLabels = labels?.length ? { enum: labels } : {};
  switch (kind) {
    case 'integer':
      return { t: 'integer', ...withLabels };
    case 'float':
      return { t: 'number', ...withLabels };
    case 'boolean':
      return { t: 'boolean', ...withLabels };
    case 'unknown':
      return { t: 'unknown' };
    default:
      // Decimals travel as strings ("12.50"), datetimes as ISO-8601 with the instance's offset.
      return { t: 'string' };
  }
};

/** `Invoice-FailedTolerance` → `InvoiceFailedTolerance`. */
const identifier = (name: string): string => name.replace(/[^A-Za-z0-9]/g, '');
const recordName = (object: CatalogObject, suffix: string): string => `${identifier(object.title)}${suffix}Record`;

/** Builds the shapes of the given trigger objects; shared association shapes are built once. */
export class RecordShapes {
  private readonly shapes = new Map<string, Shape>();
  private readonly openApi = loadOpenApi();

  constructor(private readonly catalog: readonly CatalogObject[]) {}

  of(object: CatalogObject): ObjectShapes {
    const def = this.definition(object.definition);
    const names = new Set<string>();
    const use = (shape: Shape): string => {
      this.remember(shape);
      names.add(shape.name);
      return shape.name;
    };
    const recordFields = (mode: 'default' | 'shallow'): Field[] => [
      { name: 'id', type: { t: 'integer' }, nullable: false },
      { name: 'created-at', type: { t: 'string' }, nullable: false },
      { name: 'updated-at', type: { t: 'string' }, nullable: false },
      ...Object.entries(def.properties ?? {})
        .filter(([name]) => !META_FIELDS.includes(name))
        .map(([name, schema]) => ({ name, type: this.fieldType(name, schema, mode, use, def.properties ?? {}), nullable: true })),
      { name: 'custom-fields', type: { t: 'object' }, nullable: true },
    ];
    const record = (mode: 'default' | 'shallow'): Shape => ({
      name: recordName(object, mode === 'shallow' ? 'Shallow' : ''),
      description: `A ${object.title} record as Coupa returns it${mode === 'shallow' ? ' with return_object=shallow (associations as id and natural keys)' : ''}: dashed keys, custom fields included.`,
      fields: recordFields(mode),
      required: ['id', 'updated-at'],
      open: true,
      nullable: false,
    });
    const records = { default: use(record('default')), shallow: use(record('shallow')), limited: use(LIMITED) };
    const ordered = [
      records.default,
      records.shallow,
      records.limited,
      ...[...names].filter((n) => !Object.values(records).includes(n)).sort(),
    ];
    return { records, shapes: new Map(ordered.map((n) => [n, this.shapes.get(n)!])) };
  }

  private fieldType(
    name: string,
    schema: Schema,
    mode: 'default' | 'shallow',
    use: (shape: Shape) => string,
    siblings: Readonly<Record<string, Schema>>,
  ): FieldType {
    const kind = propertyKindOf(name, schema);
    switch (kind.type) {
      case 'scalar':
        return this.scalarField(name, kind.kind, kind.enum, siblings);
      case 'ref':
        // An untyped polymorphic association (a user or an approval group) stays an open object.
        if (kind.polymorphic) return { t: 'object' };
        return { t: 'ref', name: use(mode === 'shallow' ? this.identityShape(kind.definition) : this.summaryShape(kind.definition)) };
      case 'array':
        return {
          t: 'array',
          items: { t: 'ref', name: use(mode === 'shallow' ? this.identityShape(kind.definition) : this.summaryShape(kind.definition)) },
        };
    }
  }

  /** `account-type-id` is the id of the `account-type` association, whatever type the files give it. */
  private scalarField(
    name: string,
    kind: ValueKind,
    labels: readonly string[] | undefined,
    siblings: Readonly<Record<string, Schema>>,
  ): FieldType {
    const association = name.endsWith('-id') ? siblings[name.slice(0, -3)] : undefined;
    if (association && propertyKindOf(name.slice(0, -3), association).type === 'ref') return { t: 'integer' };
    return scalarType(kind, labels);
  }

  /**
   * An association in a `default` record, as Coupa nests it: a small definition whole, a bigger one by
   * id, natural keys and naming attributes (typed); whatever else it carries stays allowed.
   */
  private summaryShape(definition: string): Shape {
    const def = this.definition(definition);
    const properties = def.properties ?? {};
    const small = new Set([...Object.keys(properties), ...META_FIELDS]).size <= SMALL_DEFINITION;
    const names = small ? Object.keys(properties) : [...this.naturalKeyFields(definition), ...LABEL_FIELDS];
    const fields: Field[] = [{ name: 'id', type: { t: 'integer' }, nullable: true }];
    for (const name of new Set(names)) {
      const schema = properties[name];
      if (!schema || name === 'id') continue;
      const kind = propertyKindOf(name, schema);
      if (kind.type === 'scalar') fields.push({ name, type: this.scalarField(name, kind.kind, kind.enum, properties), nullable: true });
      else if (!small)
        fields.push({ name, type: kind.type === 'ref' ? { t: 'object' } : { t: 'array', items: { t: 'unknown' } }, nullable: true });
    }
    return {
      name: identifier(definition),
      description: `${definition} (Coupa R39), as nested in a record.`,
      fields,
      required: [],
      open: true,
      nullable: true,
    };
  }

  /** Attributes of the natural keys of the catalog object a definition stands for (`supplier.name` → `supplier`). */
  private naturalKeyFields(definition: string): string[] {
    const target =
      this.catalog.find((o) => o.definition === definition) ??
      (definition === POLYMORPHIC_DEFINITION ? this.catalog.find((o) => o.key === 'users') : undefined);
    // Reference data (currencies, countries, …) has no natural keys in the catalog: its code and name name it.
    return target ? [...new Set(target.naturalKeys.flat().map((k) => k.split('.')[0]!))] : ['code', 'name'];
  }

  /** An association in a `shallow` record: its id and natural keys. */
  private identityShape(definition: string): Shape {
    const def = this.definition(definition);
    const fields: Field[] = [{ name: 'id', type: { t: 'integer' }, nullable: true }];
    for (const name of this.naturalKeyFields(definition)) {
      const schema = def.properties?.[name];
      if (!schema || name === 'id') continue;
      const kind = propertyKindOf(name, schema);
      fields.push({
        name,
        type: kind.type === 'scalar' ? this.scalarField(name, kind.kind, kind.enum, def.properties ?? {}) : { t: 'object' },
        nullable: true,
      });
    }
    return {
      name: `${identifier(definition)}Ref`,
      description: `${definition} (Coupa R39) in a shallow record: id and natural keys.`,
      fields,
      required: [],
      open: true,
      nullable: true,
    };
  }

  private definition(name: string): Schema {
    const def = this.openApi.definitions[name];
    if (!def) throw new Error(`No OpenAPI definition ${name}`);
    return def;
  }

  private remember(shape: Shape): void {
    const known = this.shapes.get(shape.name);
    if (known && JSON.stringify(known) !== JSON.stringify(shape)) throw new Error(`Two shapes are named ${shape.name}`);
    this.shapes.set(shape.name, shape);
  }
}
