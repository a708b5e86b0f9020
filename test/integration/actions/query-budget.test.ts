// The query action holds at most a byte budget of records, whatever Coupa returns: it stops before a
// page that would pass it and answers truncated with nextOffset (no record skipped or repeated when
// continuing), halves the page size when even the first page is too large, and refuses a single record
// over the budget. With a deadline it stops paging early the same way.
import { MAX_QUERY_RESULT_BYTES, runAction, type ActionResult } from '../../../shared/actions';
import type { CoupaRecord } from '../../../shared/coupa';
import { useActionSimulator } from './harness';

jest.setTimeout(60_000);

const h = useActionSimulator({ records: { suppliers: 120, invoices: 700 } });

type QueryResult = Extract<ActionResult, { records: CoupaRecord[] }>;
const query = async (input: Record<string, unknown>, deps: { queryResultBytes?: number; deadlineMs?: number } = {}): Promise<QueryResult> =>
  (await runAction({ client: h.client, ...deps }, 'query', { object: 'suppliers', ...input })) as QueryResult;
const idsOf = (records: readonly CoupaRecord[]) => records.map((r) => r.id as number);
const jsonBytes = (records: readonly CoupaRecord[]) => Buffer.byteLength(JSON.stringify(records), 'utf8');
const allSupplierIds = () => idsOf(h.sim.control.list('suppliers'));

describe('query within a byte budget', () => {
  it('stops before the page that would pass the budget; nextOffset continues with nothing skipped or repeated', async () => {
    const budget = 9_000;
    const fields = ['id', 'name', 'display-name', 'status'];
    const collected: number[] = [];
    let offset = 0;
    for (let calls = 0; calls < 30; calls++) {
      const result = await query({ query: { limit: 500, offset }, fields }, { queryResultBytes: budget });
      expect(jsonBytes(result.records)).toBeLessThanOrEqual(budget);
      collected.push(...idsOf(result.records));
      if (!result.truncated) break;
      expect(result).toMatchObject({ truncatedBy: 'bytes', nextOffset: offset + result.count });
      expect(result.count).toBeGreaterThan(0);
      expect(result.count).toBeLessThan(120);
      offset = result.nextOffset!;
    }
    expect(collected).toEqual(allSupplierIds());
  });

  it('a result that fits is not truncated and carries no nextOffset', async () => {
    const result = await query({ query: { limit: 500 }, returnType: 'limited' });
    expect(result).toMatchObject({ count: 120, truncated: false });
    expect(result).not.toHaveProperty('nextOffset');
    expect(result).not.toHaveProperty('truncatedBy');
  });

  it('stopping at limit says so, with nextOffset', async () => {
    const result = await query({ query: { limit: 70, offset: 5 }, returnType: 'limited' });
    expect(result).toMatchObject({ count: 70, truncated: true, truncatedBy: 'limit', nextOffset: 75 });
  });

  it('when even the first page is over the budget, the page size is halved until one fits', async () => {
    const oneRecord = jsonBytes(h.sim.control.list('suppliers').slice(0, 1));
    const budget = oneRecord * 14; // 50 and 25 records are too many; 12 fit
    const result = await query({ query: { limit: 500 } }, { queryResultBytes: budget });
    expect(result.truncated).toBe(true);
    expect(result.truncatedBy).toBe('bytes');
    expect(result.count).toBeGreaterThan(0);
    expect(jsonBytes(result.records)).toBeLessThanOrEqual(budget);
    expect(idsOf(result.records)).toEqual(allSupplierIds().slice(0, result.count));
    const limits = h.apiRequests().map((r) => Number(/[?&]limit=(\d+)/.exec(r)![1]));
    expect(limits.slice(0, 3)).toEqual([50, 25, 12]);
  });

  it('one record alone over the budget is Coupa.Validation naming the budget and what to do', async () => {
    await expect(query({ query: { limit: 10 } }, { queryResultBytes: 100 })).rejects.toMatchObject({
      name: 'Coupa.Validation',
      message: expect.stringMatching(
        /record at offset 0 alone is over the query result budget of 100 bytes: ask for less of it \(fields, or returnType "shallow" or "limited"\)/,
      ),
    });
  });

  it('by default, a large query of full invoices holds at most MAX_QUERY_RESULT_BYTES and says where to continue', async () => {
    const result = (await runAction({ client: h.client }, 'query', { object: 'invoices', query: { limit: 10_000 } })) as QueryResult;
    expect(result).toMatchObject({ truncated: true, truncatedBy: 'bytes', nextOffset: result.count });
    expect(result.count).toBeLessThan(700);
    expect(jsonBytes(result.records)).toBeLessThanOrEqual(MAX_QUERY_RESULT_BYTES);
  });

  it('a deadline too near for another page ends the result early, truncated with nextOffset', async () => {
    // 400 ms a page and 4 s to go (700 records need 14 pages, 5.6 s): a few pages fit, then the time left
    // falls under 1 s (or twice the slowest page) and paging stops with what it has, rather than failing
    // the whole query.
    h.sim.control.setLatencyMs(400);
    try {
      const result = (await runAction({ client: h.client, deadlineMs: Date.now() + 4_000 }, 'query', {
        object: 'invoices',
        query: { limit: 700 },
        returnType: 'limited',
      })) as QueryResult;
      expect(result).toMatchObject({ truncated: true, truncatedBy: 'deadline', nextOffset: result.count });
      expect(result.count).toBeGreaterThanOrEqual(50);
      expect(result.count).toBeLessThan(700);
      expect(h.apiRequests()).toHaveLength(result.count / 50);
    } finally {
      h.sim.control.setLatencyMs(0);
    }
  });
});
