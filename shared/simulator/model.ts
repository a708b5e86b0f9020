import { catalog, type CatalogObject } from '../catalog';
import { overridesOf, type ObjectOverrides } from './overrides';
import { definitionSchema, type DefinitionSchema, type ScalarProperty } from './schema';

/**
 * Everything object-specific the simulator knows, derived once from the catalog, the OpenAPI definition
 * and the override table: how an object hangs under parents, which embedded arrays are its children.
 */

/** One way a record belongs to a parent (nested path, `createVia`, or a parent-only path). */
export interface ParentRelation {
  readonly parentKey: string;
  /** Child attribute holding the parent id, when the definition has it (`supplier-id`, `order-header-id`). */
  readonly parentField?: string;
  /** Child association pointing at the parent (`item` for supplier items). */
  readonly refProperty?: string;
  /** Every record has this parent (otherwise about half do, like users' addresses). */
  readonly always: boolean;
}

export interface ObjectModel {
  readonly key: string;
  readonly catalog: CatalogObject;
  readonly schema: DefinitionSchema;
  readonly overrides: ObjectOverrides;
  readonly parents: readonly ParentRelation[];
  /** Embedded arrays whose elements are records of another catalog object: `order-lines` → `purchase_order_lines`. */
  readonly ownedArrays: ReadonlyMap<string, string>;
  /** Fields a create must carry. */
  readonly required: readonly string[];
}

/** Definitions that stand for a catalog object although their name differs. */
const DEFINITION_ALIASES: Readonly<Record<string, string>> = { UserSimple: 'users' };

export class ModelRegistry {
  private readonly models = new Map<string, ObjectModel>();
  private readonly byDefinition = new Map<string, string>();

  constructor(private readonly objects: readonly CatalogObject[] = catalog) {
    for (const o of objects) this.byDefinition.set(o.definition, o.key);
    for (const [def, key] of Object.entries(DEFINITION_ALIASES)) this.byDefinition.set(def, key);
    for (const o of objects) this.models.set(o.key, this.build(o));
    // Owned arrays need every child's relations, so they come second.
    for (const model of this.models.values()) {
      const owned = model.ownedArrays as Map<string, string>;
      for (const prop of model.schema.properties.values()) {
        if (prop.type !== 'array') continue;
        const childKey = this.byDefinition.get(prop.definition);
        const child = childKey ? this.models.get(childKey) : undefined;
        if (child?.parents.some((r) => r.parentKey === model.key && r.always)) owned.set(prop.name, child.key);
      }
    }
  }

  get(key: string): ObjectModel | undefined {
    return this.models.get(key);
  }

  all(): ObjectModel[] {
    return [...this.models.values()];
  }

  /** The catalog object a definition (`Supplier`, `UserSimple`) stands for. */
  catalogKeyOf(definition: string): string | undefined {
    return this.byDefinition.get(definition);
  }

  private build(o: CatalogObject): ObjectModel {
    const overrides = overridesOf(o.key);
    const extra: ScalarProperty[] = (overrides.legacyCustomFields ?? []).map((name) => ({
      type: 'scalar',
      name,
      kind: 'string',
      readOnly: false,
      maxLength: 255,
    }));
    const schema = definitionSchema(o.definition, extra, true);
    return {
      key: o.key,
      catalog: o,
      schema,
      overrides,
      parents: this.relationsOf(o, schema),
      ownedArrays: new Map(),
      required: overrides.required ?? [],
    };
  }

  private relationsOf(o: CatalogObject, schema: DefinitionSchema): ParentRelation[] {
    const raw: { parentKey: string; parentField?: string; primary: boolean }[] = [];
    if (o.parentParam) raw.push({ parentKey: o.parentParam.parent, parentField: o.parentParam.parentField, primary: true });
    if (o.createVia) raw.push({ parentKey: o.createVia.parent, parentField: o.createVia.parentIdField, primary: true });
    for (const n of o.nestedPaths) raw.push({ parentKey: n.parent, parentField: n.parentField, primary: false });
    const relations = new Map<string, ParentRelation>();
    for (const r of raw) {
      if (relations.has(r.parentKey)) continue;
      const parentDefinition = this.objects.find((c) => c.key === r.parentKey)?.definition;
      const parentField = r.parentField && schema.properties.has(r.parentField) ? r.parentField : undefined;
      const refProperty = [...schema.properties.values()].find((p) => p.type === 'ref' && p.definition === parentDefinition)?.name;
      relations.set(r.parentKey, {
        parentKey: r.parentKey,
        ...(parentField ? { parentField } : {}),
        ...(refProperty ? { refProperty } : {}),
        always: r.primary || parentField !== undefined || refProperty !== undefined,
      });
    }
    return [...relations.values()];
  }
}
