import type { Simulator } from '../../shared/simulator';
import { client, enc, getToken, ids, startTestSimulator, T0 } from './helpers';

type Row = Record<string, any> & { id: number };

describe('simulator writes', () => {
  let sim: Simulator;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startTestSimulator();
    api = client(sim, await getToken(sim));
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.control.clock.set(T0 + 60_000));

  const supplierName = (id: number) => sim.control.get('suppliers', id)!.name as string;

  it('creates with 201, a new id, created-at = updated-at = now, and the documented initial status', async () => {
    const reply = await api.post<Row>('/suppliers', {
      name: 'Simulated Widgets',
      po_method: 'email',
      custom_fields: { 'cf-erp-number': 'E-1' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      id: 21,
      name: 'Simulated Widgets',
      'po-method': 'email',
      status: 'draft',
      'custom-fields': { 'cf-erp-number': 'E-1' },
    });
    expect(reply.body['created-at']).toBe('2026-11-20T04:01:00-08:00');
    expect(reply.body['updated-at']).toBe(reply.body['created-at']);
    expect((await api.get<Row>('/suppliers/21')).body.name).toBe('Simulated Widgets');
    expect(sim.control.history('suppliers').at(-1)).toMatchObject({
      id: 21,
      version: 1,
      change: 'created',
      updatedAt: '2026-11-20T12:01:00Z',
    });
  });

  it('reports validation failures as 400 keyed by the model', async () => {
    expect(await api.post('/suppliers', { 'po-method': 'email' })).toMatchObject({
      status: 400,
      body: { errors: { supplier: ["Name can't be blank"] } },
    });
    const invoice = await api.post('/invoices', { 'invoice-number': 'X-1', 'invoice-date': '2026-11-01', supplier: { name: 'nope' } });
    expect(invoice).toMatchObject({ status: 400, body: { errors: { invoice_header: ['Supplier is invalid'] } } });
    const users = await api.post('/users', { login: 'a'.repeat(300), email: 'x@example.com', firstname: 'A', lastname: 'B' });
    expect(users).toMatchObject({ status: 400, body: { errors: { user: ['Login is too long (maximum is 255 characters)'] } } });
    expect(await api.post('/integrations', { name: 'n', code: 'c', direction: 'sideways' })).toMatchObject({
      status: 400,
      body: { errors: { integration: ['Direction is not included in the list'] } },
    });
    expect((await call400('/suppliers', '{not json')).status).toBe(400);
  });

  const call400 = async (path: string, raw: string) => {
    const res = await fetch(`${sim.baseUrl}/api${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await getToken(sim)}`, 'content-type': 'application/json' },
      body: raw,
    });
    return { status: res.status, body: await res.json() };
  };

  it('creates invoices referencing records by natural key, as a draft', async () => {
    const reply = await api.post<Row>('/invoices', {
      invoice_number: 'SIM-100',
      invoice_date: '2026-11-01',
      supplier: { name: supplierName(2) },
      currency: { code: 'EUR' },
      'account-type': { name: 'US COA' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      'invoice-number': 'SIM-100',
      status: 'draft',
      exported: false,
      'invoice-date': '2026-10-31T17:00:00-07:00',
      supplier: { id: 2, name: supplierName(2) },
      currency: { code: 'EUR' },
      'account-type': { name: 'US COA' },
    });
  });

  it('updates partially with 200, bumps updated-at, merges custom fields, accepts underscored keys', async () => {
    const before = sim.control.get('invoices', 3) as Row;
    const reply = await api.put<Row>('/invoices/3', { comments: 'checked', custom_fields: { cf_integration_status: 'synced' } });
    expect(reply.status).toBe(200);
    expect(reply.body.comments).toBe('checked');
    expect(reply.body['invoice-number']).toBe(before['invoice-number']);
    expect(reply.body['custom-fields']).toEqual({ ...before['custom-fields'], 'cf-integration-status': 'synced' });
    expect(reply.body['updated-at']).toBe('2026-11-20T04:01:00-08:00');
    expect(
      sim.control
        .history('invoices')
        .filter((v) => v.id === 3)
        .map((v) => v.version),
    ).toEqual([1, 2]);
    expect((await api.put('/invoices/3', { 'invoice-date': 'soon' })).status).toBe(400);
  });

  it('answers 404 for unknown ids and routes, 405 for verbs Coupa does not take', async () => {
    expect(await api.get('/invoices/999999')).toMatchObject({
      status: 404,
      body: { errors: { invoice_header: ['Invoice 999999 not found'] } },
    });
    expect((await api.put('/suppliers/999999', { name: 'x' })).status).toBe(404);
    expect((await api.get('/no_such_things')).status).toBe(404);
    const post = await api.post('/purchase_order_lines', { description: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('marks exported with PUT ?exported=true and no body', async () => {
    sim.control.update('invoices', 4, {}); // any change
    const reply = await api.put<Row>(`/invoices/4?exported=true&fields=${enc('["id","exported","last_exported_at"]')}`);
    expect(reply).toMatchObject({ status: 200, body: { id: 4, exported: true, 'last-exported-at': '2026-11-20T04:01:00-08:00' } });
    expect((await api.get<Row[]>('/invoices?exported=true&fields=["id"]')).body.map((r) => r.id)).toContain(4);
  });

  it('honours return_object and fields on writes', async () => {
    expect(await api.put('/suppliers/5?return_object=none', { 'display-name': 'x' })).toMatchObject({ status: 200, text: '' });
    expect(await api.post('/departments?return_object=limited', { name: 'Simulated' })).toMatchObject({ status: 201, body: { id: 21 } });
    const shallow = await api.put<Row>('/suppliers/5?return_object=shallow', {});
    expect(shallow.body['created-by']).toEqual({ id: expect.any(Number), login: expect.any(String), email: expect.any(String) });
  });

  it('edits embedded lines: by id, added without one, removed with _delete', async () => {
    const lines = sim.control.get('invoices', 6)!['invoice-lines'] as Row[];
    const reply = await api.put<Row>('/invoices/6', {
      invoice_lines: [
        { id: lines[0]!.id, description: 'edited' },
        { description: 'added', price: 12.5, quantity: 2 },
        ...(lines[1] ? [{ id: lines[1].id, _delete: true }] : []),
      ],
    });
    expect(reply.status).toBe(200);
    const after = reply.body['invoice-lines'] as Row[];
    expect(after.find((l) => l.id === lines[0]!.id)!.description).toBe('edited');
    expect(after.find((l) => l.description === 'added')).toMatchObject({
      price: '12.5',
      quantity: '2',
      'line-num': Math.max(...lines.map((l) => l['line-num'])) + 1,
    });
    if (lines[1]) expect(after.some((l) => l.id === lines[1]!.id)).toBe(false);
    expect((await api.put('/invoices/6', { invoice_lines: [{ id: 1, description: 'x' }] })).status).toBe(400);
  });

  it('creates purchase order lines through the order`s embedded order-lines', async () => {
    const reply = await api.put<Row>('/purchase_orders/7', {
      order_lines: [{ description: 'Added by API', price: '10.00', quantity: '3' }],
    });
    expect(reply.status).toBe(200);
    const created = (reply.body['order-lines'] as Row[]).find((l) => l.description === 'Added by API')!;
    expect(created).toMatchObject({ 'order-header-id': 7, price: '10.00', quantity: '3' });
    const line = await api.get<Row>(`/purchase_order_lines/${created.id}`);
    expect(line).toMatchObject({
      status: 200,
      body: { id: created.id, 'order-header-id': 7, 'line-num': String((reply.body['order-lines'] as Row[]).length) },
    });
    expect(sim.control.history('purchase_order_lines').at(-1)).toMatchObject({ id: created.id, change: 'created' });
    // Edit and remove it through the order again.
    await api.put('/purchase_orders/7', { order_lines: [{ id: created.id, description: 'renamed' }] });
    expect((await api.get<Row>(`/purchase_order_lines/${created.id}`)).body.description).toBe('renamed');
    await api.put('/purchase_orders/7', { order_lines: [{ id: created.id, _delete: true }] });
    expect((await api.get(`/purchase_order_lines/${created.id}`)).status).toBe(404);
  });

  it('scopes nested paths to their parent', async () => {
    const sites = sim.control.list('supplier_sites') as Row[];
    const supplierId = sites[0]!['supplier-id'] as number;
    const nested = await api.get<Row[]>(`/suppliers/${supplierId}/supplier_sites`);
    expect(ids(nested.body)).toEqual(sites.filter((s) => s['supplier-id'] === supplierId).map((s) => s.id));
    const other = sites.find((s) => s['supplier-id'] !== supplierId)!;
    expect((await api.get(`/suppliers/${supplierId}/supplier_sites/${other.id}`)).status).toBe(404);
    expect((await api.get('/suppliers/999/supplier_sites')).status).toBe(404);

    const created = await api.post<Row>(`/suppliers/${supplierId}/supplier_sites`, { code: 'SITE-NEW', name: 'New site' });
    expect(created).toMatchObject({ status: 201, body: { 'supplier-id': supplierId, code: 'SITE-NEW' } });
    expect(ids((await api.get<Row[]>(`/suppliers/${supplierId}/supplier_sites?code=SITE-NEW`)).body)).toEqual([created.body.id]);
  });

  it.each([
    ['/users/{p}/addresses', 'users'],
    ['/suppliers/{p}/addresses', 'suppliers'],
    ['/invoices/{p}/remit_to_addresses', 'invoices'],
    ['/items/{p}/supplier_items', 'items'],
    ['/expense_reports/{p}/expense_lines', 'expense_reports'],
  ])('lists members under %s', async (template) => {
    let parent = 0;
    let rows: Row[] = [];
    for (let p = 1; p <= 20 && rows.length === 0; p++) {
      rows = (await api.get<Row[]>(template.replace('{p}', String(p)))).body;
      parent = p;
    }
    expect(rows.length).toBeGreaterThan(0);
    expect((await api.get(`${template.replace('{p}', String(parent))}/${rows[0]!.id}`)).status).toBe(200);
  });

  it('runs special actions with plausible status changes', async () => {
    const approvals = sim.control.list('approvals') as Row[];
    const pending = approvals.find((a) => a.status === 'pending')!;
    const approved = await api.put<Row>(`/approvals/${pending.id}/approve?reason=ok`);
    expect(approved).toMatchObject({ status: 200, body: { status: 'approved', note: 'ok' } });
    expect(Date.parse(approved.body['updated-at'])).toBe(T0 + 60_000);
    expect(await api.put(`/approvals/${pending.id}/reject`)).toMatchObject({
      status: 400,
      body: { errors: { approval: [expect.stringContaining('status approved')] } },
    });

    const run = await api.post<Row>('/integration_runs', { integration: { id: 1 } });
    expect(run.body.status).toBe('pending');
    expect((await api.put<Row>(`/integration_runs/${run.body.id}/run`, { total_records: 5 })).body).toMatchObject({
      status: 'running',
      'total-records': 5,
    });
    expect((await api.put<Row>(`/integration_runs/${run.body.id}/success`)).body.status).toBe('successful');
    expect((await api.put(`/integration_runs/${run.body.id}/run`)).status).toBe(400);

    const po = (sim.control.list('purchase_orders') as Row[]).find((p) => p.status === 'issued')!;
    expect((await api.put<Row>(`/purchase_orders/${po.id}/close`)).body.status).toBe('closed');
    expect((await api.put<Row>(`/purchase_orders/${po.id}/reopen`)).body.status).toBe('issued');
    expect((await api.put<Row>(`/purchase_orders/${po.id}/cancel`)).body.status).toBe('cancelled');

    const other = (sim.control.list('purchase_orders') as Row[]).find((p) => p.status === 'issued' && p.id !== po.id)!;
    expect((await api.put<Row>(`/purchase_orders/${other.id}`, { _close: true })).body.status).toBe('closed');

    const draft = await api.post<Row>('/invoices', { invoice_number: 'SIM-200', invoice_date: '2026-11-02', supplier: { id: 1 } });
    expect((await api.put<Row>(`/invoices/${draft.body.id}/submit`)).body.status).toBe('pending_approval');
    expect((await api.put<Row>(`/invoices/${draft.body.id}/void`)).body.status).toBe('voided');
  });

  it('creates history records with mark_exported, marking the document exported', async () => {
    const invoice = (sim.control.list('invoices') as Row[]).find((i) => i.exported === false)!;
    const reply = await api.post<Row>('/integration_history_records/mark_exported', {
      'document-type': 'InvoiceHeader',
      'document-id': invoice.id,
      'contact-alert-type': 'Functional',
      status: 'Success',
      responses: [{ 'response-code': 'OK', 'response-message': 'done' }],
    });
    expect(reply).toMatchObject({ status: 201, body: { 'document-id': invoice.id, resolved: false } });
    expect(sim.control.get('invoices', invoice.id)!.exported).toBe(true);
    expect((await api.put<Row>(`/integration_history_records/${reply.body.id}/resolve`)).body.resolved).toBe(true);
  });

  it('takes an association by its -id attribute (integration errors name their run by integration-run-id)', async () => {
    const created = await api.post<Row>('/integration_errors/create_alert', {
      'integration-run-id': 2,
      'contact-alert-type': 'Functional',
      status: 'Error',
    });
    expect(created).toMatchObject({ status: 201, body: { 'integration-run-id': 2, 'integration-run': { id: 2 } } });
    expect(await api.post('/integration_errors', { 'integration-run-id': 999, 'contact-alert-type': 'Functional' })).toMatchObject({
      status: 400,
      body: { errors: { integration_error: ['Integration run is invalid'] } },
    });
    const row = sim.control.get('accounts', 1) as Row;
    expect(row['account-type-id']).toBe(row['account-type'].id);
  });

  it('deletes where the spec allows it', async () => {
    const created = await api.post<Row>('/invoices', { invoice_number: 'SIM-DEL', invoice_date: '2026-11-02', supplier: { id: 1 } });
    expect((await api.del(`/invoices/${created.body.id}`)).status).toBe(200);
    expect((await api.get(`/invoices/${created.body.id}`)).status).toBe(404);
    expect(sim.control.history('invoices').at(-1)).toMatchObject({ id: created.body.id, change: 'deleted' });
    expect((await api.del('/suppliers/1')).status).toBe(405);
  });
});
