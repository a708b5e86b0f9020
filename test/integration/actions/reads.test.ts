// get and query against the simulator: by id, by natural key, nested paths, return types, fields,
// paging beyond 50 records with limit/offset (checked against the simulator's data).
import type { CoupaRecord } from '../../../shared/coupa';
import { findRecord, useActionSimulator } from './harness';

const h = useActionSimulator({ records: { suppliers: 120, invoices: 30 } });
const idsOf = (records: readonly CoupaRecord[]) => records.map((r) => r.id as number);

describe('get', () => {
  it('returns the record as Coupa sends it, with its id', async () => {
    const result = await h.run('get', { object: 'suppliers', id: 7 });
    expect(result).toMatchObject({ object: 'suppliers', id: 7, record: { id: 7, name: h.sim.control.get('suppliers', 7)!.name } });
    expect(h.apiRequests()).toEqual(['GET /api/suppliers/7']);
  });

  it('accepts dashed object keys and a numeric string id', async () => {
    const record = await h.record('get', { object: 'purchase-orders', id: '3' });
    expect(record['po-number']).toBe(h.sim.control.get('purchase_orders', 3)!['po-number']);
  });

  it('shapes the answer: limited, shallow, fields', async () => {
    expect(await h.record('get', { object: 'invoices', id: 2, returnType: 'limited' })).toEqual({ id: 2 });
    const shallow = await h.record('get', { object: 'invoices', id: 2, returnType: 'shallow' });
    expect(shallow.supplier).toEqual(expect.objectContaining({ id: expect.any(Number) }));
    expect(Object.keys(shallow).length).toBeGreaterThan(10);
    const picked = await h.record('get', { object: 'invoices', id: 2, fields: ['id', 'invoice_number', { supplier: ['name'] }] });
    expect(picked).toEqual({ id: 2, 'invoice-number': 'INV-000002', supplier: { name: expect.any(String) } });
    expect(h.apiRequests()).toEqual([
      'GET /api/invoices/2?return_object=limited',
      'GET /api/invoices/2?return_object=shallow',
      'GET /api/invoices/2?fields=["id","invoice_number",{"supplier":["name"]}]',
    ]);
  });

  it('reads custom fields in both homes: the custom-fields hash and legacy top-level keys', async () => {
    const invoice = findRecord(h.sim, 'invoices', (r) => typeof r['erp-batch-reference'] === 'string');
    const record = await h.record('get', { object: 'invoices', id: invoice.id });
    expect(record['custom-fields']).toEqual(invoice['custom-fields']);
    expect(record['erp-batch-reference']).toBe(invoice['erp-batch-reference']);
  });

  it('finds a record by natural key, also through an association (invoice-number + supplier.name)', async () => {
    const po = h.sim.control.get('purchase_orders', 5)!;
    expect(await h.run('get', { object: 'purchase_orders', naturalKey: { 'po-number': po['po-number'] as string } })).toMatchObject({
      id: 5,
    });
    const invoice = h.sim.control.get('invoices', 4)!;
    const supplierName = (invoice.supplier as { name: string }).name;
    const result = await h.run('get', {
      object: 'invoices',
      naturalKey: { invoice_number: invoice['invoice-number'] as string, 'supplier.name': supplierName },
    });
    expect(result).toMatchObject({ object: 'invoices', id: 4 });
    expect(h.apiRequests()[1]).toBe(
      `GET /api/invoices?invoice_number=${invoice['invoice-number'] as string}&supplier[name]=${supplierName}&limit=2`,
    );
  });

  it('natural key: no match is Coupa.NotFound, several matches Coupa.Conflict', async () => {
    await expect(h.run('get', { object: 'suppliers', naturalKey: { name: 'No Such Supplier' } })).rejects.toMatchObject({
      name: 'Coupa.NotFound',
      message: expect.stringContaining('name = "No Such Supplier"'),
    });
    h.sim.control.create('departments', { name: 'Twin' });
    h.sim.control.create('departments', { name: 'Twin' });
    await expect(h.run('get', { object: 'departments', naturalKey: { name: 'Twin' } })).rejects.toMatchObject({
      name: 'Coupa.Conflict',
      message: expect.stringMatching(/More than one departments record has name = "Twin" \(ids \d+, \d+/),
    });
  });

  it('unknown id is Coupa.NotFound', async () => {
    await expect(h.run('get', { object: 'suppliers', id: 99_999 })).rejects.toMatchObject({ name: 'Coupa.NotFound' });
  });
});

describe('nested paths', () => {
  it('reads supplier sites under their supplier, and refuses a site of another supplier', async () => {
    const site = h.sim.control.get('supplier_sites', 1)!;
    const supplierId = site['supplier-id'] as number;
    const mine = await h.run('query', { object: 'supplier_sites', parent: { supplier_id: supplierId }, query: { limit: 100 } });
    const expected = h.sim.control.list('supplier_sites').filter((s) => s['supplier-id'] === supplierId);
    expect('records' in mine && idsOf(mine.records).sort((a, b) => a - b)).toEqual(idsOf(expected));
    expect(await h.run('get', { object: 'supplier_sites', parent: { supplier_id: supplierId }, id: 1 })).toMatchObject({ id: 1 });
    const other = h.sim.control.list('supplier_sites').find((s) => s['supplier-id'] !== supplierId)!;
    await expect(h.run('get', { object: 'supplier_sites', parent: { supplier_id: supplierId }, id: other.id })).rejects.toMatchObject({
      name: 'Coupa.NotFound',
    });
    expect(h.apiRequests()[1]).toBe(`GET /api/suppliers/${supplierId}/supplier_sites/1`);
  });

  it('reads remit-to addresses, which Coupa serves only under a supplier', async () => {
    const supplier = h.sim.control
      .list('suppliers')
      .find((s) => Array.isArray(s['remit-to-addresses']) && (s['remit-to-addresses'] as unknown[]).length > 0)!;
    const expected = (supplier['remit-to-addresses'] as CoupaRecord[]).map((a) => a.id as number).sort((a, b) => a - b);
    const result = await h.run('query', {
      object: 'remit_to_addresses',
      parent: { supplier_id: supplier.id },
      fields: ['id', 'remit_to_code'],
    });
    expect('records' in result && idsOf(result.records).sort((a, b) => a - b)).toEqual(expected);
    expect(h.apiRequests()).toEqual([
      `GET /api/suppliers/${supplier.id as number}/addresses?limit=50&offset=0&fields=["id","remit_to_code"]`,
    ]);
  });
});

describe('query', () => {
  it('pages beyond 50: limit 120 over 120 suppliers takes 3 requests and returns them all, not truncated', async () => {
    const result = await h.run('query', { object: 'suppliers', query: { limit: 120 }, fields: ['id'] });
    expect(result).toMatchObject({ object: 'suppliers', count: 120, truncated: false });
    expect('records' in result && idsOf(result.records)).toEqual(idsOf(h.sim.control.list('suppliers')).slice(0, 120));
    expect(h.apiRequests()).toEqual([
      'GET /api/suppliers?limit=50&offset=0&fields=["id"]',
      'GET /api/suppliers?limit=50&offset=50&fields=["id"]',
      // One more than needed: tells whether Coupa has more, without a fourth request.
      'GET /api/suppliers?limit=21&offset=100&fields=["id"]',
    ]);
  });

  it('stops at limit and says truncated when Coupa has more; offset continues from there', async () => {
    const all = idsOf(h.sim.control.list('suppliers'));
    const first = await h.run('query', { object: 'suppliers', query: { limit: 70 }, returnType: 'limited' });
    expect(first).toMatchObject({ count: 70, truncated: true });
    const rest = await h.run('query', { object: 'suppliers', query: { limit: 1000, offset: 70 }, returnType: 'limited' });
    expect(rest).toMatchObject({ truncated: false });
    expect('records' in first && 'records' in rest && [...idsOf(first.records), ...idsOf(rest.records)]).toEqual(all);
  });

  it('default limit is 50', async () => {
    const result = await h.run('query', { object: 'suppliers', fields: ['id'] });
    expect(result).toMatchObject({ count: 50, truncated: true });
    expect(h.apiRequests()).toHaveLength(1);
  });

  it('filters with the full operator set, nested association conditions, order and direction', async () => {
    const result = await h.run('query', {
      object: 'invoices',
      query: {
        filters: { status: { in: ['approved', 'pending_approval'] }, id: { gt_or_eq: 3 }, supplier: { name: { contains: 'a' } } },
        orderBy: 'id',
        dir: 'desc',
        limit: 500,
      },
      fields: ['id'],
    });
    const expected = h.sim.control
      .list('invoices')
      .filter((r) => ['approved', 'pending_approval'].includes(r.status as string) && (r.id as number) >= 3)
      .filter((r) => ((r.supplier as { name?: string } | null)?.name ?? '').includes('a'))
      .map((r) => r.id as number)
      .sort((a, b) => b - a);
    expect(expected.length).toBeGreaterThan(2);
    expect('records' in result && idsOf(result.records)).toEqual(expected);
    expect(h.apiRequests()[0]).toBe(
      'GET /api/invoices?status[in]=approved,pending_approval&id[gt_or_eq]=3&supplier[name][contains]=a&order_by=id&dir=desc&limit=50&offset=0&fields=["id"]',
    );
  });

  it('returns shallow records', async () => {
    const result = await h.run('query', { object: 'invoices', query: { limit: 3 }, returnType: 'shallow' });
    expect('records' in result && result.records[0]!.supplier).toEqual(expect.objectContaining({ id: expect.any(Number) }));
  });
});
