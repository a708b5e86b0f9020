import type { Database } from './database';
import { FilterCompiler, normalizeValue, type Predicate } from './filter';
import type { Condition, ListQuery } from './query';
import type { RouteScope } from './routes';
import { parseInstant } from './time-zone';
import { compareStates, type RecordState } from './store';

/**
 * Runs a list query: filter, order, page. Rows with equal sort values come back in a seeded order that
 * is not the id order (the hazard naive pollers meet in real Coupa). `dir=desc` is the exact reverse of
 * `asc`. The pollers' shape — a range on updated-at ordered by updated-at — is served from the sorted
 * index with early exit; other orders scan and sort.
 */

export class ListRunner {
  private readonly filters: FilterCompiler;

  constructor(private readonly db: Database) {
    this.filters = new FilterCompiler(db);
  }

  run(key: string, query: ListQuery, scope?: RouteScope): RecordState[] {
    const matches = this.filters.compile(key, query.conditions);
    const wanted = query.offset + query.limit;
    const store = this.db.store(key);
    const page = (rows: RecordState[]) => rows.slice(query.offset, wanted);

    if (scope) {
      const children = store
        .childIds(scope.parentKey, scope.parentId)
        .map((id) => store.getVisible(id))
        .filter((s): s is RecordState => !!s);
      return page(this.sorted(key, children.filter(matches), query));
    }
    const range = updatedAtRange(query.conditions);
    if (query.orderBy === 'updated-at') {
      const index = store.sortedByUpdatedAt;
      const from = range.min === undefined ? 0 : store.lowerBound(range.min, range.minStrict);
      const to = range.max === undefined ? index.length : store.lowerBound(range.max, !range.maxStrict);
      return page(take(walk(index, from, to, query.dir), matches, wanted));
    }
    if (range.min !== undefined || range.max !== undefined) {
      const index = store.sortedByUpdatedAt;
      const from = range.min === undefined ? 0 : store.lowerBound(range.min, range.minStrict);
      const to = range.max === undefined ? index.length : store.lowerBound(range.max, !range.maxStrict);
      const size = to - from;
      // A wide range in id order: walking ids until the page is full beats sorting the range.
      const idWalkCost = (wanted * index.length) / Math.max(1, size);
      if (query.orderBy !== 'id' || idWalkCost >= size) return page(this.sorted(key, index.slice(from, to).filter(matches), query));
    }
    if (query.orderBy === 'id') return page(take(store.byId(query.dir), matches, wanted));
    return page(this.sorted(key, take(store.byId('asc'), matches, Infinity), query));
  }

  private sorted(key: string, rows: RecordState[], query: ListQuery): RecordState[] {
    const compare = this.comparator(key, query.orderBy);
    rows.sort(query.dir === 'asc' ? compare : (a, b) => compare(b, a));
    return rows;
  }

  /** Total order: the attribute (nulls first), then the seeded tie, then id. */
  private comparator(key: string, orderBy: string): (a: RecordState, b: RecordState) => number {
    if (orderBy === 'id') return (a, b) => a.id - b.id;
    if (orderBy === 'updated-at') return compareStates;
    const leaf = this.filters.sortKey(key, orderBy);
    const cache = new Map<RecordState, ReturnType<typeof normalizeValue>>();
    const normalizedOf = (s: RecordState) => {
      if (!cache.has(s)) cache.set(s, normalizeValue(leaf.kind, leaf.read(s)[0]));
      return cache.get(s);
    };
    return (a, b) => {
      const x = normalizedOf(a);
      const y = normalizedOf(b);
      if (x !== y) {
        if (x === undefined) return -1;
        if (y === undefined) return 1;
        if (x < y) return -1;
        if (x > y) return 1;
      }
      return a.tie - b.tie || a.id - b.id;
    };
  }
}

function* walk(index: readonly RecordState[], from: number, to: number, dir: 'asc' | 'desc'): Generator<RecordState> {
  if (dir === 'asc') for (let i = from; i < to; i++) yield index[i]!;
  else for (let i = to - 1; i >= from; i--) yield index[i]!;
}

function take(rows: Iterable<RecordState>, matches: Predicate, count: number): RecordState[] {
  const out: RecordState[] = [];
  if (count <= 0) return out;
  for (const row of rows) {
    if (!matches(row)) continue;
    out.push(row);
    if (out.length >= count) break;
  }
  return out;
}

/** The tightest updated-at bounds the conditions imply (they are still applied as filters too). */
function updatedAtRange(conditions: readonly Condition[]): { min?: number; minStrict: boolean; max?: number; maxStrict: boolean } {
  let min: number | undefined;
  let max: number | undefined;
  let minStrict = false;
  let maxStrict = false;
  for (const c of conditions) {
    if (c.path.length !== 1 || c.path[0] !== 'updated-at') continue;
    const ms = parseInstant(c.value);
    if (ms === undefined) continue; // the filter itself reports the error
    if (c.op === 'gt' || c.op === 'gt_or_eq' || c.op === 'eq') {
      const strict = c.op === 'gt';
      if (min === undefined || ms > min || (ms === min && strict)) [min, minStrict] = [ms, strict];
    }
    if (c.op === 'lt' || c.op === 'lt_or_eq' || c.op === 'eq') {
      const strict = c.op === 'lt';
      if (max === undefined || ms < max || (ms === max && strict)) [max, maxStrict] = [ms, strict];
    }
  }
  return { min, minStrict, max, maxStrict };
}
