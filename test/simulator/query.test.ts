import type { Simulator } from '../../shared/simulator';
import { client, enc, getToken, ids, startTestSimulator } from './helpers';

type Row = Record<string, any> & { id: number };

describe('simulator queries', () => {
  let sim: Simulator;
  let api: ReturnType<typeof client>;
  /** Canonical truth (UTC datetimes) to compute expectations from. */
  let invoices: Row[];

  beforeAll(async () => {
    sim = await startTestSimulator({ records: { invoices: 120, suppliers: 30 } });
    api = client(sim, await getToken(sim));
    invoices = sim.control.list('invoices') as Row[];
  });
  afterAll(() => sim.close());

  const list = async (query: string): Promise<Row[]> => {
    const reply = await api.get<Row[]>(`/invoices?${query}`);
    expect(reply.status).toBe(200);
    return reply.body;
  };
  /** Ids on all pages of a query (limit 50); only ids are rendered, to keep the suite fast. */
  const all = async (query: string): Promise<number[]> => {
    const out: number[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = await list(`${query}&offset=${offset}&fields=${enc('["id"]')}`);
      out.push(...ids(page));
      if (page.length < 50) return out;
    }
  };
  const expected = (pred: (r: Row) => boolean) => invoices.filter(pred).map((r) => r.id);

  it('pages 50 at most, by id, with offset', async () => {
    expect(ids(await list(''))).toEqual(expected((r) => r.id <= 50));
    expect(ids(await list('limit=100'))).toHaveLength(50);
    expect(ids(await list('limit=10&offset=50'))).toEqual([51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
    expect(await list('offset=500')).toEqual([]);
  });

  it('matches exact values with dashed or underscored names', async () => {
    expect(ids(await list('invoice_number=INV-000007'))).toEqual([7]);
    expect(ids(await list('invoice-number=INV-000007'))).toEqual([7]);
    expect(ids(await list('invoice-number[eq]=INV-000007'))).toEqual([7]);
    expect(await list('invoice_number=nope')).toEqual([]);
  });

  it('supports every operator', async () => {
    const status = (r: Row) => r.status as string;
    expect(await all('id[gt]=100')).toEqual(expected((r) => r.id > 100));
    expect(await all('id[lt]=3')).toEqual([1, 2]);
    expect(await all('id[gt_or_eq]=118')).toEqual([118, 119, 120]);
    expect(await all('id[lt_or_eq]=2')).toEqual([1, 2]);
    expect(await all('status[not_eq]=approved')).toEqual(expected((r) => status(r) !== 'approved'));
    expect(await all('status[in]=approved,voided')).toEqual(expected((r) => ['approved', 'voided'].includes(status(r))));
    expect(await all('status[not_in]=approved,voided')).toEqual(expected((r) => !['approved', 'voided'].includes(status(r))));
    expect(await all('invoice_number[contains]=0001')).toEqual(expected((r) => r['invoice-number'].includes('0001')));
    expect(await all('invoice_number[starts_with]=INV-00011')).toEqual(expected((r) => r['invoice-number'].startsWith('INV-00011')));
    expect(await all('invoice_number[ends_with]=7')).toEqual(expected((r) => r['invoice-number'].endsWith('7')));
    expect(await all('comments[blank]=true')).toEqual(expected((r) => r.comments === null));
    expect(await all('comments[blank]=false')).toEqual(expected((r) => r.comments !== null));
    expect(await all('exported=false')).toEqual(expected((r) => r.exported === false));
    expect(await all('gross-total[gt]=5000')).toEqual(expected((r) => Number(r['gross-total']) > 5000));
  });

  it('compares datetimes as instants, whatever the offset', async () => {
    const pivot = invoices[40]!['updated-at'] as string; // canonical UTC
    const ms = Date.parse(pivot);
    const later = expected((r) => Date.parse(r['updated-at']) > ms);
    expect(await all(`updated_at[gt]=${enc(pivot)}`)).toEqual(later);
    const inTokyo = `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
    expect(await all(`updated-at[gt]=${enc(inTokyo)}`)).toEqual(later);
    const day = pivot.slice(0, 10); // a date alone means midnight UTC
    expect(await all(`updated_at[gt_or_eq]=${day}`)).toEqual(
      expected((r) => Date.parse(r['updated-at']) >= Date.parse(`${day}T00:00:00Z`)),
    );
  });

  it('rejects an unparseable datetime, such as a raw + that decoded to a space', async () => {
    const reply = await api.get('/invoices?updated_at[gt]=2026-11-01T00:00:00+07:00');
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ errors: { invoice_header: [expect.stringContaining('2026-11-01T00:00:00 07:00')] } });
    expect((await api.get('/invoices?updated_at[gt]=yesterday')).status).toBe(400);
    expect((await api.get('/invoices?updated_at[contains]=2026')).status).toBe(400);
  });

  it('rejects unknown attributes and bad operands with a 400 naming them', async () => {
    const reply = await api.get('/invoices?colour=red');
    expect(reply.status).toBe(400);
    expect(reply.body.errors.invoice_header[0]).toContain('colour');
    expect((await api.get('/invoices?id[gt]=abc')).status).toBe(400);
    expect((await api.get('/invoices?exported=maybe')).status).toBe(400);
    expect((await api.get('/invoices?order_by=colour')).status).toBe(400);
    expect((await api.get('/invoices?dir=sideways')).status).toBe(400);
  });

  it('traverses associations', async () => {
    const supplier = invoices.find((r) => r.supplier)!.supplier as Row;
    const withSupplier = (pred: (name: string) => boolean) => expected((r) => r.supplier !== null && pred(r.supplier.name));
    expect(await all(`supplier[name]=${enc(supplier.name)}`)).toEqual(withSupplier((n) => n === supplier.name));
    expect(await all('supplier[name][contains]=Acme')).toEqual(withSupplier((n) => n.includes('Acme')));
    expect(await all(`supplier[id]=${supplier.id}`)).toEqual(expected((r) => r.supplier?.id === supplier.id));
    expect(await all(`supplier_id=${supplier.id}`)).toEqual(expected((r) => r.supplier?.id === supplier.id));
    expect(await all('currency[code]=EUR')).toEqual(expected((r) => r.currency?.code === 'EUR'));
    expect(await all(`account-type[name][in]=${enc('US COA,EU COA')}`)).toEqual(
      expected((r) => ['US COA', 'EU COA'].includes(r['account-type']?.name)),
    );
    expect(await all('invoice_lines[line_num]=3')).toEqual(expected((r) => r['invoice-lines'].some((l: Row) => l['line-num'] === 3)));
    expect(await all('custom_fields[cf-cost-center]=CC-200')).toEqual(expected((r) => r['custom-fields']['cf-cost-center'] === 'CC-200'));
    expect(await all('cf_cost_center=CC-200')).toEqual(expected((r) => r['custom-fields']['cf-cost-center'] === 'CC-200'));
  });

  it('traverses owned child records: purchase orders by their lines', async () => {
    const line = sim.control.list('purchase_order_lines')[0] as Row;
    const reply = await api.get<Row[]>(`/purchase_orders?order_lines[id]=${line.id}`);
    expect(ids(reply.body)).toEqual([line['order-header-id']]);
  });

  it('orders by any attribute, both directions; ties come back in a stable order that is not by id', async () => {
    const asc = await list('order_by=updated_at&dir=asc&limit=50');
    const times = asc.map((r) => Date.parse(r['updated-at']));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const desc = await list('order_by=updated-at&dir=desc&limit=50');
    expect(Date.parse(desc[0]!['updated-at'])).toBe(Math.max(...invoices.map((r) => Date.parse(r['updated-at']))));

    // A mass update: 20 invoices stamped with one second.
    const tied = [3, 5, 8, 13, 21, 34, 55, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101];
    const at = Date.UTC(2026, 10, 20, 11, 59, 30);
    sim.control.touch('invoices', tied, { at });
    const query = `updated_at=${enc(new Date(at).toISOString())}&order_by=updated_at`;
    const first = ids(await list(query));
    expect([...first].sort((a, b) => a - b)).toEqual(tied);
    expect(first).not.toEqual(tied); // not id order
    expect(ids(await list(query))).toEqual(first); // but stable between requests
    expect(ids(await list(`${query}&dir=desc`))).toEqual([...first].reverse());

    const byStatus = await all('order_by=status');
    const statuses = byStatus.map((id) => sim.control.get('invoices', id)!.status as string);
    expect(statuses).toEqual([...statuses].sort());
    const approved = byStatus.filter((id) => sim.control.get('invoices', id)!.status === 'approved');
    expect(approved).not.toEqual([...approved].sort((a, b) => a - b));
  });

  it('answers return_object=limited with ids and shallow with associations reduced to ids and natural keys', async () => {
    expect(await list('limit=2&return_object=limited')).toEqual([{ id: 1 }, { id: 2 }]);
    const shallow = (await api.get<Row>('/invoices/1?return_object=shallow')).body;
    const full = (await api.get<Row>('/invoices/1')).body;
    expect(Object.keys(shallow)).toEqual(Object.keys(full));
    expect(shallow['invoice-number']).toBe(full['invoice-number']);
    expect(shallow.currency).toEqual({ id: full.currency.id, code: full.currency.code, name: full.currency.name });
    expect(Object.keys(shallow['created-by'])).toEqual(['id', 'login', 'email']);
    expect(shallow['invoice-lines']).toEqual(full['invoice-lines'].map((l: Row) => ({ id: l.id })));
  });

  it('applies the fields filter with nested associations and custom fields', async () => {
    const fields = enc(
      JSON.stringify(['id', 'invoice_number', { invoice_lines: ['id', 'line_num'] }, { supplier: ['id', 'name'] }, { custom_fields: {} }]),
    );
    const [row] = await list(`id=4&fields=${fields}`);
    const truth = sim.control.get('invoices', 4) as Row;
    expect(row).toEqual({
      id: 4,
      'invoice-number': truth['invoice-number'],
      'invoice-lines': truth['invoice-lines'].map((l: Row) => ({ id: l.id, 'line-num': l['line-num'] })),
      supplier: truth.supplier ? { id: truth.supplier.id, name: truth.supplier.name } : null,
      'custom-fields': truth['custom-fields'],
    });
    const picked = (await api.get<Row>(`/invoices/4?fields=${enc('[{"custom_fields":["cf-erp-number"]},"updated_at"]')}`)).body;
    expect(picked).toEqual({
      'custom-fields': { 'cf-erp-number': truth['custom-fields']['cf-erp-number'] },
      'updated-at': expect.stringMatching(/-0[78]:00$/),
    });
    expect((await api.get('/invoices/4?fields=not-json')).status).toBe(400);
  });

  it('renders dashed keys, decimals as strings and custom fields', async () => {
    const row = (await api.get<Row>('/invoices/2')).body;
    expect(Object.keys(row).slice(0, 3)).toEqual(['id', 'created-at', 'updated-at']);
    expect(Object.keys(row).every((k) => !k.includes('_'))).toBe(true);
    expect(row['gross-total']).toMatch(/^\d+\.\d{2}$/);
    expect(Object.keys(row['custom-fields'])).toEqual(['cf-erp-number', 'cf-integration-status', 'cf-cost-center']);
    expect(row).toHaveProperty('erp-batch-reference'); // a legacy top-level custom field
    const expenseLine = (await api.get<Row>('/expense_lines/1')).body;
    expect(expenseLine).toHaveProperty('custom-field-20');
  });
});
