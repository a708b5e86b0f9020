// Coupa queries of a fan-out poll (fan-out-poll.ts) for an object served only under a parent, e.g.
// remit-to addresses at /suppliers/{supplier_id}/addresses: the parents' ids (fields=["id"], keyset
// by id), then each parent's children changed in a fixed window (keyset by id).
import { fillPath, getObject, type CatalogObject } from '../catalog';
import type { CoupaClient, CoupaQuery } from '../coupa';
import { ownedKeyOf, shapeOf, type RecordSourceOptions } from './CoupaRecordSource';
import type { ChildWindow, FanOutSource, ParentPage } from './fan-out-poll';
import { PAGE_SIZE } from './plan';
import type { FetchPageOptions, RecordPage } from './ports';

export class CoupaFanOutSource implements FanOutSource {
  readonly #parentPath: string;
  readonly #param: string;
  readonly #object: CatalogObject;
  readonly #shape: CoupaQuery;

  constructor(
    private readonly client: Pick<CoupaClient, 'list'>,
    private readonly options: Omit<RecordSourceOptions, 'pathParams'>,
  ) {
    const { object, filters = {} } = options;
    if (!object.parentParam) throw new Error(`${object.key} is not served under a parent: poll it directly`);
    const clash = Object.keys(filters).filter((k) => ownedKeyOf(k) !== undefined);
    if (clash.length > 0) throw new Error(`Poll filters for ${object.key} may not set ${clash.join(', ')}: the poller pages on them`);
    this.#object = object;
    this.#param = object.parentParam.param;
    this.#parentPath = getObject(object.parentParam.parent).path.replace(/^\//, '');
    this.#shape = shapeOf(options.returnType, options.fields);
  }

  get parent(): string {
    return this.#object.parentParam!.parent;
  }

  async listParents(afterId: number, options: FetchPageOptions = {}): Promise<ParentPage> {
    let serverTimeMs: number | undefined;
    const rows = await this.client.list<{ id?: unknown }>(
      this.#parentPath,
      { id: { gt: afterId }, order_by: 'id', dir: 'asc', fields: ['id'], limit: PAGE_SIZE },
      {
        ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
        onResponse: (response: Response) => {
          const date = Date.parse(response.headers.get('date') ?? '');
          if (!Number.isNaN(date)) serverTimeMs = date;
        },
      },
    );
    const ids = rows.map((r) => r.id);
    if (!ids.every((id): id is number => typeof id === 'number' && Number.isInteger(id) && id > afterId)) {
      throw new Error(`Coupa listed ${this.parent} without usable ids (after ${afterId}); the fan-out needs them in ascending order`);
    }
    return { ids, ...(serverTimeMs === undefined ? {} : { serverTimeMs }) };
  }

  async fetchChildren(parentId: number, window: ChildWindow, options: FetchPageOptions = {}): Promise<RecordPage> {
    const path = fillPath(this.#object.path, { [this.#param]: parentId }).replace(/^\//, '');
    const records = await this.client.list(
      path,
      {
        ...this.options.filters,
        updated_at: { gt_or_eq: new Date(window.fromMs), lt: new Date(window.toMs) },
        id: { gt: window.afterId },
        order_by: 'id',
        dir: 'asc',
        ...this.#shape,
        limit: PAGE_SIZE,
      },
      options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs },
    );
    return { records };
  }
}
