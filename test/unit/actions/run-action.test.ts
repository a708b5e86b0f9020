// runAction with a scripted client: paging arithmetic, truncation, natural key outcomes, lines created
// through their order, results of empty answers.
import { runAction, type ActionDeps } from '../../../shared/actions';
import type { CoupaQuery, CoupaRecord } from '../../../shared/coupa';

/** A client over `total` records with ids 1..total; records every call. */
function fakeClient(total: number, overrides: Partial<ActionDeps['client']> = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const client = {
    list: jest.fn(async (path: string, query: CoupaQuery = {}) => {
      calls.push({ method: 'list', args: [path, query] });
      const offset = (query.offset as number | undefined) ?? 0;
      const limit = (query.limit as number | undefined) ?? 50;
      return Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({ id: offset + i + 1 }));
    }),
    get: jest.fn(async (path: string, id: number | string) => {
      calls.push({ method: 'get', args: [path, id] });
      return { id: Number(id) };
    }),
    create: jest.fn(async () => undefined),
    update: jest.fn(async () => undefined),
    action: jest.fn(async () => undefined),
    request: jest.fn(async () => undefined),
    requestContent: jest.fn(async () => ({ kind: 'json', status: 0, body: null })),
    ...overrides,
  } as unknown as ActionDeps['client'];
  return { client, calls };
}

const pages = (calls: { method: string; args: unknown[] }[]) =>
  calls.filter((c) => c.method === 'list').map((c) => [(c.args[1] as CoupaQuery).offset, (c.args[1] as CoupaQuery).limit]);

describe('query paging', () => {
  it.each([
    // total, limit, offset → pages [offset, limit], count, truncated
    [
      120,
      120,
      0,
      [
        [0, 50],
        [50, 50],
        [100, 21],
      ],
      120,
      false,
    ],
    [
      121,
      120,
      0,
      [
        [0, 50],
        [50, 50],
        [100, 21],
      ],
      120,
      true,
    ],
    [
      500,
      100,
      0,
      [
        [0, 50],
        [50, 50],
      ],
      100,
      true,
    ], // a full last page at the limit: more may exist
    [
      100,
      100,
      0,
      [
        [0, 50],
        [50, 50],
      ],
      100,
      true,
    ], // …and cannot be told apart without another request
    [30, 10, 0, [[0, 11]], 10, true],
    [10, 10, 0, [[0, 11]], 10, false],
    [75, 50, 0, [[0, 50]], 50, true],
    [
      75,
      1000,
      0,
      [
        [0, 50],
        [50, 50],
      ],
      75,
      false,
    ],
    [75, 1000, 70, [[70, 50]], 5, false],
    [0, 50, 0, [[0, 50]], 0, false],
  ])('%i records, limit %i, offset %i', async (total, limit, offset, expectedPages, count, truncated) => {
    const { client, calls } = fakeClient(total);
    const result = await runAction({ client }, 'query', { object: 'suppliers', query: { limit, offset } });
    expect(pages(calls)).toEqual(expectedPages);
    expect(result).toMatchObject({ object: 'suppliers', count, truncated });
    const ids = (result as { records: CoupaRecord[] }).records.map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: count }, (_, i) => offset + i + 1));
  });
});

describe('get by natural key', () => {
  it('asks for two rows; one is the record', async () => {
    const { client, calls } = fakeClient(1);
    expect(await runAction({ client }, 'get', { object: 'items', naturalKey: { 'item-number': 'ITM-1' } })).toEqual({
      object: 'items',
      id: 1,
      record: { id: 1 },
    });
    expect(calls[0]!.args).toEqual(['items', { item_number: 'ITM-1', limit: 2 }]);
  });

  it('none → Coupa.NotFound, two → Coupa.Conflict naming the ids', async () => {
    await expect(
      runAction({ client: fakeClient(0).client }, 'get', { object: 'items', naturalKey: { 'item-number': 'X' } }),
    ).rejects.toMatchObject({ name: 'Coupa.NotFound' });
    await expect(
      runAction({ client: fakeClient(5).client }, 'get', { object: 'items', naturalKey: { 'item-number': 'X' } }),
    ).rejects.toMatchObject({
      name: 'Coupa.Conflict',
      message: expect.stringContaining('ids 1, 2, maybe more'),
    });
  });
});

describe('purchase order lines through their order', () => {
  const order = {
    id: 5,
    'order-lines': [
      { id: 40, 'line-num': '1' },
      { id: 77, 'line-num': '3' },
      { id: 41, 'line-num': '2' },
    ],
  };

  it('the new line is the one with the given line-num', async () => {
    const { client, calls } = fakeClient(0, { update: jest.fn(async () => order) } as never);
    expect(
      await runAction({ client }, 'create', { object: 'purchase_order_lines', parent: { purchase_order_id: 5 }, data: { 'line-num': 2 } }),
    ).toMatchObject({ id: 41 });
    expect(calls).toEqual([{ method: 'get', args: ['purchase_order_lines', 41] }]);
  });

  it('without a line-num, the highest id', async () => {
    const { client } = fakeClient(0, { update: jest.fn(async () => order) } as never);
    expect(
      await runAction({ client }, 'create', { object: 'purchase_order_lines', parent: { purchase_order_id: 5 }, data: { quantity: 1 } }),
    ).toMatchObject({ id: 77 });
  });

  it('no line in the answer: id and record null, nothing read', async () => {
    const { client, calls } = fakeClient(0, { update: jest.fn(async () => ({ id: 5 })) } as never);
    expect(
      await runAction({ client }, 'create', { object: 'purchase_order_lines', parent: { purchase_order_id: 5 }, data: { quantity: 1 } }),
    ).toEqual({
      object: 'purchase_order_lines',
      id: null,
      record: null,
    });
    expect(calls).toEqual([]);
  });
});

describe('results of empty answers', () => {
  it('update and special actions keep the input id; request answers a null body', async () => {
    const { client } = fakeClient(0);
    expect(await runAction({ client }, 'update', { object: 'suppliers', id: 3, data: { name: 'x' }, returnType: 'none' })).toEqual({
      object: 'suppliers',
      id: 3,
      record: null,
    });
    expect(await runAction({ client }, 'submit', { object: 'invoices', id: 4, returnType: 'none' })).toEqual({
      object: 'invoices',
      id: 4,
      record: null,
    });
    expect(await runAction({ client }, 'request', { method: 'DELETE', path: 'supplier_items/1' })).toEqual({ status: 0, body: null });
  });
});
