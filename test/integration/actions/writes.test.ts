// create and update against the simulator: plain objects, nested paths, purchase order lines through
// their order, custom fields, return types and fields on writes.
import { findRecord, useActionSimulator } from './harness';

const h = useActionSimulator();

describe('create', () => {
  it('creates a record and returns it with its id', async () => {
    const result = await h.run('create', { object: 'departments', data: { name: 'Procurement Ops' } });
    expect(result).toMatchObject({ object: 'departments', id: expect.any(Number), record: { name: 'Procurement Ops' } });
    const id = (result as { id: number }).id;
    expect(h.sim.control.get('departments', id)).toMatchObject({ name: 'Procurement Ops', active: true });
    expect(h.apiRequests()).toEqual(['POST /api/departments']);
  });

  it('returnType none: empty answer, id unknown; limited: the id only', async () => {
    expect(await h.run('create', { object: 'departments', data: { name: 'Quiet' }, returnType: 'none' })).toEqual({
      object: 'departments',
      id: null,
      record: null,
    });
    const limited = await h.run('create', { object: 'departments', data: { name: 'Small' }, returnType: 'limited' });
    expect(limited).toEqual({ object: 'departments', id: expect.any(Number), record: { id: expect.any(Number) } });
    expect(h.apiRequests()).toEqual(['POST /api/departments?return_object=none', 'POST /api/departments?return_object=limited']);
  });

  it('writes custom fields under custom-fields, from customFields too, and reads them back', async () => {
    const result = await h.run('create', {
      object: 'suppliers',
      data: { name: 'Custom Co', customFields: { 'cf-erp-number': 'ERP-77' }, 'custom-fields': { 'cf-cost-center': 'CC-9' } },
      fields: ['id', { custom_fields: {} }],
    });
    const id = (result as { id: number }).id;
    expect(h.sim.control.requests.at(-1)!.body).toEqual({
      name: 'Custom Co',
      'custom-fields': { 'cf-erp-number': 'ERP-77', 'cf-cost-center': 'CC-9' },
    });
    expect((result as { record: Record<string, unknown> }).record['custom-fields']).toMatchObject({
      'cf-erp-number': 'ERP-77',
      'cf-cost-center': 'CC-9',
    });
    const read = await h.record('get', { object: 'suppliers', id });
    expect(read['custom-fields']).toMatchObject({ 'cf-erp-number': 'ERP-77', 'cf-cost-center': 'CC-9' });
  });

  it('creates a supplier site under its supplier (nested path)', async () => {
    const result = await h.run('create', {
      object: 'supplier_sites',
      parent: { supplier_id: 4 },
      data: { code: 'S-NEW', name: 'New Site', 'po-method': 'email' },
    });
    const id = (result as { id: number }).id;
    expect(h.sim.control.get('supplier_sites', id)).toMatchObject({ code: 'S-NEW', 'supplier-id': 4 });
    expect(h.apiRequests()).toEqual(['POST /api/suppliers/4/supplier_sites']);
  });

  it('creates a remit-to address under its supplier', async () => {
    const data = { 'remit-to-code': 'RTC-NEW', street1: '1 Main St', city: 'Springfield', 'postal-code': '12345', country: { code: 'US' } };
    const result = await h.run('create', { object: 'remit_to_addresses', parent: { supplier_id: 6 }, data });
    const id = (result as { id: number }).id;
    expect(h.apiRequests()).toEqual(['POST /api/suppliers/6/addresses']);
    const supplier = await h.record('get', { object: 'suppliers', id: 6, fields: [{ remit_to_addresses: ['id', 'remit_to_code'] }] });
    expect(supplier['remit-to-addresses']).toContainEqual({ id, 'remit-to-code': 'RTC-NEW' });
  });

  it('creates a user address through the nested path of users', async () => {
    const data = {
      name: 'Home',
      street1: '2 Side St',
      city: 'Shelbyville',
      'postal-code': '54321',
      country: { code: 'US' },
      'location-code': 'LC-HOME',
    };
    const result = await h.run('create', { object: 'addresses', parent: { user_id: 3 }, data, returnType: 'shallow' });
    expect(result).toMatchObject({ id: expect.any(Number), record: { 'location-code': 'LC-HOME' } });
    expect(h.apiRequests()).toEqual(['POST /api/users/3/addresses?return_object=shallow']);
  });

  it('creates a purchase order line through its order (PUT with order-lines), then reads the new line', async () => {
    const before = (h.sim.control.get('purchase_orders', 2)!['order-lines'] as unknown[]).length;
    const result = await h.run('create', {
      object: 'purchase_order_lines',
      parent: { purchase_order_id: 2 },
      data: { description: 'Added by the connector', quantity: 3, price: '12.50', 'line-num': '9' },
      fields: ['id', 'line_num', 'description', 'order_header_id'],
    });
    expect(result).toEqual({
      object: 'purchase_order_lines',
      id: expect.any(Number),
      record: { id: expect.any(Number), 'line-num': '9', description: 'Added by the connector', 'order-header-id': 2 },
    });
    expect(h.sim.control.get('purchase_orders', 2)!['order-lines']).toHaveLength(before + 1);
    const id = (result as { id: number }).id;
    expect(h.apiRequests()).toEqual([
      'PUT /api/purchase_orders/2?fields=["id",{"order_lines":["id","line_num"]}]',
      `GET /api/purchase_order_lines/${id}?fields=["id","line_num","description","order_header_id"]`,
    ]);
    expect(h.sim.control.requests.find((r) => r.method === 'PUT')!.body).toEqual({
      'order-lines': [{ description: 'Added by the connector', quantity: 3, price: '12.50', 'line-num': '9' }],
    });
  });

  it('takes the order from data["order-header-id"] too; returnType none sends one request', async () => {
    const result = await h.run('create', {
      object: 'purchase_order_lines',
      data: { 'order-header-id': 3, description: 'x', quantity: 1, price: 1 },
      returnType: 'none',
    });
    expect(result).toEqual({ object: 'purchase_order_lines', id: null, record: null });
    expect(h.apiRequests()).toEqual(['PUT /api/purchase_orders/3?return_object=none']);
  });

  it('Coupa validation failures come back as Coupa.Validation with Coupa’s message', async () => {
    await expect(h.run('create', { object: 'departments', data: { active: true } })).rejects.toMatchObject({
      name: 'Coupa.Validation',
      message: expect.stringContaining("Name can't be blank"),
    });
  });
});

describe('update', () => {
  it('sends only the fields to change and returns the updated record', async () => {
    const result = await h.run('update', { object: 'suppliers', id: 5, data: { 'display-name': 'Renamed 5' } });
    expect(result).toMatchObject({ object: 'suppliers', id: 5, record: { id: 5, 'display-name': 'Renamed 5' } });
    expect(h.sim.control.get('suppliers', 5)!['display-name']).toBe('Renamed 5');
    expect(h.sim.control.requests.at(-1)!.body).toEqual({ 'display-name': 'Renamed 5' });
  });

  it('custom fields round trip: written under custom-fields, others kept, legacy top-level keys still read', async () => {
    const invoice = findRecord(h.sim, 'invoices', (r) => typeof r['erp-batch-reference'] === 'string');
    const before = invoice['custom-fields'] as Record<string, unknown>;
    await h.run('update', {
      object: 'invoices',
      id: invoice.id,
      data: { customFields: { 'cf-erp-number': 'ERP-INV-1' } },
      returnType: 'none',
    });
    expect(h.sim.control.requests.at(-1)!.body).toEqual({ 'custom-fields': { 'cf-erp-number': 'ERP-INV-1' } });
    const read = await h.record('get', {
      object: 'invoices',
      id: invoice.id,
      fields: ['id', 'erp_batch_reference', { custom_fields: {} }],
    });
    expect(read).toEqual({
      id: invoice.id,
      'erp-batch-reference': invoice['erp-batch-reference'],
      'custom-fields': { ...before, 'cf-erp-number': 'ERP-INV-1' },
    });
  });

  it('return types on updates: none, limited, shallow, fields', async () => {
    expect(await h.run('update', { object: 'suppliers', id: 6, data: { 'display-name': 'a' }, returnType: 'none' })).toEqual({
      object: 'suppliers',
      id: 6,
      record: null,
    });
    expect(await h.run('update', { object: 'suppliers', id: 6, data: { 'display-name': 'b' }, returnType: 'limited' })).toEqual({
      object: 'suppliers',
      id: 6,
      record: { id: 6 },
    });
    const shallow = await h.record('update', { object: 'suppliers', id: 6, data: { 'display-name': 'c' }, returnType: 'shallow' });
    expect(shallow['display-name']).toBe('c');
    expect(await h.record('update', { object: 'suppliers', id: 6, data: { 'display-name': 'd' }, fields: ['id', 'display_name'] })).toEqual(
      { id: 6, 'display-name': 'd' },
    );
  });

  it('updates a supplier site through its supplier, and refuses another supplier’s site', async () => {
    const site = h.sim.control.get('supplier_sites', 2)!;
    const supplierId = site['supplier-id'] as number;
    await h.run('update', { object: 'supplier_sites', parent: { supplier_id: supplierId }, id: 2, data: { name: 'Renamed Site' } });
    expect(h.sim.control.get('supplier_sites', 2)!.name).toBe('Renamed Site');
    expect(h.apiRequests()).toEqual([`PUT /api/suppliers/${supplierId}/supplier_sites/2`]);
    await expect(
      h.run('update', { object: 'supplier_sites', parent: { supplier_id: supplierId + 1 }, id: 2, data: { name: 'x' } }),
    ).rejects.toMatchObject({ name: 'Coupa.NotFound' });
  });

  it('updates purchase orders (edit a line through the order)', async () => {
    const po = findRecord(h.sim, 'purchase_orders', (r) => Array.isArray(r['order-lines']) && r['order-lines'].length > 0);
    const line = (po['order-lines'] as { id: number }[])[0]!;
    await h.run('update', {
      object: 'purchase_orders',
      id: po.id,
      data: { 'order-lines': [{ id: line.id, description: 'Edited via PO' }] },
    });
    expect(h.sim.control.get('purchase_order_lines', line.id)!.description).toBe('Edited via PO');
  });

  it('an unknown id is Coupa.NotFound', async () => {
    await expect(h.run('update', { object: 'suppliers', id: 99_999, data: { name: 'x' } })).rejects.toMatchObject({
      name: 'Coupa.NotFound',
    });
  });
});
