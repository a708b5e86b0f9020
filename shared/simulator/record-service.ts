import type { Database } from './database';
import type { Data } from './generator';
import type { ObjectModel } from './model';
import type { RouteScope } from './routes';
import type { RecordState } from './store';
import { isoUtc } from './time-zone';
import { API_USER_ID, type ChildPlan, type WriteApplier } from './writes';

/**
 * Record writes shared by the API and the control interface: create with Coupa's defaults and parent
 * links, partial update (owned children included), mark exported, delete.
 */

export interface WriteOptions {
  /** updated-at to stamp (default now). */
  readonly at?: number;
  /** Overrides the global visibility lag for this version. */
  readonly visibleAfterMs?: number;
}

export interface CreateOptions extends WriteOptions {
  /** The parent a nested path names: `/suppliers/3/supplier_sites`. */
  readonly scope?: RouteScope;
  /** Status for collection actions that create (`create_as_cart` → `cart`). */
  readonly status?: string;
}

export class RecordService {
  constructor(
    private readonly db: Database,
    private readonly writer: WriteApplier,
  ) {}

  create(model: ObjectModel, rawBody: unknown, options: CreateOptions = {}): RecordState {
    const body = this.writer.normalizeBody(model, rawBody);
    const data = this.defaults(model, options.status);
    const links: Record<string, number> = {};
    const { scope } = options;
    if (scope) {
      links[scope.parentKey] = scope.parentId;
      const relation = model.parents.find((r) => r.parentKey === scope.parentKey);
      if (relation?.parentField) data[relation.parentField] = scope.parentId;
      if (relation?.refProperty) data[relation.refProperty] = { id: scope.parentId };
    }
    const plan = this.writer.apply(model, data, body, { creating: true });
    // Parents named in the body (a supplier item's `item`, a site's `supplier-id`) link it too.
    for (const relation of model.parents) {
      if (links[relation.parentKey] !== undefined) continue;
      const viaField = relation.parentField ? Number(data[relation.parentField]) : NaN;
      const viaRef = relation.refProperty ? Number((data[relation.refProperty] as Data | null)?.id) : NaN;
      const parentId = Number.isInteger(viaField) ? viaField : viaRef;
      if (Number.isInteger(parentId)) links[relation.parentKey] = parentId;
    }
    const state = this.db.create(model.key, plan.data, { ...pickWrite(options), links });
    this.applyChildren(model, state.id, plan.children);
    return state;
  }

  /** Applies `rawBody` to the latest version; `extra` may change the data further (special actions). */
  update(model: ObjectModel, id: number, rawBody: unknown, options: WriteOptions & { extra?: (data: Data) => void } = {}): RecordState {
    const head = this.head(model, id);
    const body = this.writer.normalizeBody(model, rawBody);
    const data = this.db.editableData(model.key, head);
    const plan = this.writer.apply(model, data, body, { creating: false, parentId: head.id });
    options.extra?.(data);
    if (model.schema.properties.has('updated-by')) data['updated-by'] = this.apiUser();
    const state = this.db.save(model.key, head, { ...pickWrite(options), data: plan.data });
    this.applyChildren(model, state.id, plan.children);
    return state;
  }

  /** `PUT …/:id?exported=true`: sets `exported` (and `last-exported-at` when true). */
  markExported(model: ObjectModel, id: number, value: boolean): RecordState {
    const head = this.head(model, id);
    const data = this.db.editableData(model.key, head);
    data.exported = value;
    if (value) data['last-exported-at'] = isoUtc(this.db.now());
    return this.db.save(model.key, head, { data });
  }

  remove(model: ObjectModel, id: number): void {
    this.db.save(model.key, this.head(model, id), { deleted: true });
  }

  /** Saves a new version with unchanged data: only updated-at moves. */
  touch(model: ObjectModel, id: number, options: WriteOptions = {}): RecordState {
    return this.db.save(model.key, this.head(model, id), pickWrite(options));
  }

  private head(model: ObjectModel, id: number): RecordState {
    const state = this.db.store(model.key).getHead(id);
    if (!state) throw new Error(`No ${model.key} record with id ${id}`);
    return state;
  }

  private applyChildren(parent: ObjectModel, parentId: number, plans: readonly ChildPlan[]): void {
    for (const plan of plans) {
      const child = this.db.model(plan.childKey);
      const relation = child.parents.find((r) => r.parentKey === parent.key);
      if (plan.op === 'create') {
        const data = { ...this.defaults(child), ...plan.data };
        if (relation?.parentField) data[relation.parentField] = parentId;
        if (relation?.refProperty) data[relation.refProperty] = { id: parentId };
        this.db.create(plan.childKey, data, { links: { [parent.key]: parentId } });
        continue;
      }
      const head = this.db.store(plan.childKey).getHead(plan.id!);
      if (!head) continue;
      this.db.save(plan.childKey, head, plan.op === 'delete' ? { deleted: true } : { data: plan.data! });
    }
  }

  /** What a new record has before its body is applied. */
  private defaults(model: ObjectModel, status?: string): Data {
    const data: Data = {};
    const props = model.schema.properties;
    if (props.has('status')) data.status = status ?? model.catalog.createStatus ?? model.overrides.statuses?.[0] ?? null;
    if (model.catalog.exportFlag && props.has('exported')) data.exported = false;
    if (props.has('active')) data.active = true;
    if (props.has('resolved')) data.resolved = false;
    if (props.has('custom-fields')) data['custom-fields'] = {};
    for (const who of ['created-by', 'updated-by']) if (props.has(who)) data[who] = this.apiUser();
    return data;
  }

  private apiUser(): Data | null {
    return this.db.store('users').getVisible(API_USER_ID) ? { id: API_USER_ID } : null;
  }
}

const pickWrite = (o: WriteOptions): WriteOptions => ({
  ...(o.at !== undefined ? { at: o.at } : {}),
  ...(o.visibleAfterMs !== undefined ? { visibleAfterMs: o.visibleAfterMs } : {}),
});
