import { fillPath, type CatalogObject } from '../catalog';
import type { CoupaClient, CoupaQuery, FieldSpec } from '../coupa';
import { QUERY_PARAMETER_KEYS } from '../coupa/query';
import type { EventReturnType } from '../events';
import { PAGE_SIZE, type PageRequest } from './plan';
import type { FetchPageOptions, RecordPage, RecordSource } from './ports';

export interface RecordSourceOptions {
  readonly object: CatalogObject;
  readonly returnType: EventReturnType;
  /** Attributes to fetch; id, created-at and updated-at are always added (the poller needs them). */
  readonly fields?: FieldSpec;
  /** Extra conditions ANDed to every request, e.g. `{ status: { in: ['approved'] } }`. */
  readonly filters?: CoupaQuery;
  /** Values for a nested-only path's placeholder, e.g. `{ supplier_id: 12 }`. */
  readonly pathParams?: Readonly<Record<string, string | number>>;
}

/** Keys the poller owns: the attributes it pages on and every request parameter. A filter on one would break its paging. */
export const POLLER_OWNED_KEYS: readonly string[] = ['updated_at', 'id', ...QUERY_PARAMETER_KEYS];

/** The owned key a filter key names (`updated-at[gt_or_eq]` → `updated_at`), else undefined. */
export function ownedKeyOf(filterKey: string): string | undefined {
  const base = filterKey.split('[')[0]!.trim().toLowerCase().replace(/-/g, '_');
  return POLLER_OWNED_KEYS.includes(base) ? base : undefined;
}
const CHANGE_FIELDS = ['id', 'created-at', 'updated-at'];

/** Turns the planner's page requests into Coupa list queries for one object. */
export class CoupaRecordSource implements RecordSource {
  readonly #path: string;
  readonly #shape: CoupaQuery;

  constructor(
    private readonly client: Pick<CoupaClient, 'list'>,
    private readonly options: RecordSourceOptions,
  ) {
    const { object, filters = {} } = options;
    const clash = Object.keys(filters).filter((k) => ownedKeyOf(k) !== undefined);
    if (clash.length > 0) throw new Error(`Poll filters for ${object.key} may not set ${clash.join(', ')}: the poller pages on them`);
    this.#path = fillPath(object.path, options.pathParams ?? {}).replace(/^\//, '');
    this.#shape = shapeOf(options.returnType, options.fields);
  }

  async fetchPage(request: PageRequest, fetchOptions: FetchPageOptions = {}): Promise<RecordPage> {
    const window: CoupaQuery =
      request.kind === 'range'
        ? { updated_at: { gt_or_eq: new Date(request.fromMs), lt: new Date(request.toMs) }, order_by: 'updated_at', dir: 'asc' }
        : {
            updated_at: { gt_or_eq: new Date(request.atMs), lt: new Date(request.atMs + 1000) },
            id: { gt: request.afterId },
            order_by: 'id',
            dir: 'asc',
          };
    let serverTimeMs: number | undefined;
    const records = await this.client.list(
      this.#path,
      { ...this.options.filters, ...window, ...this.#shape, limit: PAGE_SIZE },
      {
        ...(fetchOptions.deadlineMs === undefined ? {} : { deadlineMs: fetchOptions.deadlineMs }),
        onResponse: (response: Response) => {
          const date = Date.parse(response.headers.get('date') ?? '');
          if (!Number.isNaN(date)) serverTimeMs = date;
        },
      },
    );
    return { records, ...(serverTimeMs === undefined ? {} : { serverTimeMs }) };
  }
}

/**
 * `shallow` is Coupa's `return_object=shallow`. `limited` would drop `updated-at` (Coupa's limited is ids
 * only), so it asks for just the change fields instead: a small event a consumer can follow up on.
 */
export function shapeOf(returnType: EventReturnType, fields: FieldSpec | undefined): CoupaQuery {
  if (returnType === 'limited') return { fields: CHANGE_FIELDS };
  const shape: CoupaQuery = returnType === 'shallow' ? { return_object: 'shallow' } : {};
  if (!fields) return shape;
  const names = new Set(fields.filter((f): f is string => typeof f === 'string').map((f) => f.replace(/_/g, '-')));
  return { ...shape, fields: [...CHANGE_FIELDS.filter((f) => !names.has(f)), ...fields] };
}
