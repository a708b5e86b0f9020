import { loadOpenApi } from '../openapi';
import { FIXED_POOLS } from './word-lists';

/**
 * Reference data the catalog does not hold (currencies, countries, account types, payment terms, …): a
 * few entities per definition, ids 1..n. Records point at them by id; writes can name them by any key
 * (`{"code":"USD"}`) and unknown names are added, except for currencies and countries which are fixed.
 */
export type PoolEntity = Readonly<Record<string, unknown>> & { readonly id: number };

const CLOSED_POOLS = new Set(['Currency', 'Country']);

export class ReferencePools {
  /** Entities added by writes so far (generated pointers draw from the pools' sizes). */
  added = 0;
  private readonly pools = new Map<string, PoolEntity[]>();

  list(definition: string): readonly PoolEntity[] {
    let pool = this.pools.get(definition);
    if (!pool) {
      pool = initialPool(definition);
      this.pools.set(definition, pool);
    }
    return pool;
  }

  get(definition: string, id: number): PoolEntity | undefined {
    return this.list(definition)[id - 1];
  }

  /**
   * The entity a write names: by `id`, else by every scalar key given (`{"code":"USD"}`). Unknown names
   * create an entity where Coupa would have set-up data we cannot know; `undefined` means invalid.
   */
  resolve(definition: string, given: Readonly<Record<string, unknown>>): PoolEntity | undefined {
    const pool = this.list(definition) as PoolEntity[];
    if (given.id !== undefined && given.id !== null) return pool[Number(given.id) - 1];
    const keys = Object.entries(given).filter(([, v]) => v === null || typeof v !== 'object');
    if (keys.length === 0) return undefined;
    const found = pool.find((e) => keys.every(([k, v]) => e[k] === v));
    if (found || CLOSED_POOLS.has(definition)) return found;
    const created: PoolEntity = { id: pool.length + 1, ...Object.fromEntries(keys) };
    pool.push(created);
    this.added += 1;
    return created;
  }
}

function initialPool(definition: string): PoolEntity[] {
  const fixed = FIXED_POOLS[definition];
  if (fixed) return fixed.map((e, i) => ({ id: i + 1, ...e }));
  const props = loadOpenApi().definitions[definition]?.properties ?? {};
  const label = definition.replace(/[-_]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  return [1, 2, 3].map((i) => ({
    id: i,
    ...('name' in props || !('code' in props) ? { name: `${label} ${i}` } : {}),
    ...('code' in props ? { code: `${definition.toUpperCase().slice(0, 6)}-${i}` } : {}),
    ...('active' in props ? { active: true } : {}),
  }));
}
