// Special actions and mark_exported against the simulator: the request each sends and the status it
// leaves behind; Coupa's refusals (e.g. approving an approval that is not pending) as Coupa.Validation.
import type { CoupaRecord } from '../../../shared/coupa';
import { useActionSimulator } from './harness';

const h = useActionSimulator({ records: 40 });
const withStatus = (key: string, statuses: readonly string[], skip: readonly number[] = []): CoupaRecord[] =>
  h.sim.control.list(key).filter((r) => statuses.includes(r.status as string) && !skip.includes(r.id as number));

describe('approvals', () => {
  it('approve, reject with a reason, hold: pending ones only', async () => {
    const [a, b, c] = withStatus('approvals', ['pending']);
    expect(c).toBeDefined();
    expect(await h.record('approve', { object: 'approvals', id: a!.id })).toMatchObject({ id: a!.id, status: 'approved' });
    const rejected = await h.record('reject', { object: 'approvals', id: b!.id, params: { reason: 'Over budget & late' } });
    expect(rejected).toMatchObject({ status: 'rejected', note: 'Over budget & late' });
    expect(await h.run('hold', { object: 'approvals', id: c!.id, returnType: 'limited' })).toEqual({
      object: 'approvals',
      id: c!.id,
      record: { id: c!.id },
    });
    expect(h.sim.control.get('approvals', c!.id as number)!.status).toBe('on_hold');
    expect(h.apiRequests()).toEqual([
      `PUT /api/approvals/${a!.id as number}/approve`,
      `PUT /api/approvals/${b!.id as number}/reject?reason=Over budget & late`,
      `PUT /api/approvals/${c!.id as number}/hold?return_object=limited`,
    ]);
    expect(h.sim.control.requests.find((r) => r.path.endsWith('/reject'))!.rawQuery).toBe('reason=Over%20budget%20%26%20late');
  });

  it('Coupa refuses to approve an approval that is not pending: Coupa.Validation with its message', async () => {
    const done = withStatus('approvals', ['approved'])[0]!;
    await expect(h.run('approve', { object: 'approvals', id: done.id })).rejects.toMatchObject({
      name: 'Coupa.Validation',
      message: expect.stringContaining('Cannot approve an approval with status approved'),
    });
  });
});

describe('invoices', () => {
  it('submit a draft, void an approved one', async () => {
    const draft = withStatus('invoices', ['draft'])[0]!;
    expect(await h.record('submit', { object: 'invoices', id: draft.id })).toMatchObject({ status: 'pending_approval' });
    const approved = withStatus('invoices', ['approved'])[0]!;
    expect(await h.run('void', { object: 'invoices', id: approved.id, fields: ['id', 'status'] })).toEqual({
      object: 'invoices',
      id: approved.id,
      record: { id: approved.id, status: 'voided' },
    });
  });

  it('mark_exported: PUT ?exported=true with a small reply', async () => {
    const invoice = h.sim.control.list('invoices').find((r) => r.exported === false)!;
    const result = await h.run('mark_exported', { object: 'invoices', id: invoice.id });
    expect(result).toEqual({
      object: 'invoices',
      id: invoice.id,
      record: { id: invoice.id, exported: true, 'last-exported-at': expect.any(String) },
    });
    expect(h.apiRequests()).toEqual([
      `PUT /api/invoices/${invoice.id as number}?exported=true&fields=["id","exported","last-exported-at"]`,
    ]);
    expect(h.sim.control.requests.find((r) => r.method === 'PUT')!.body).toBeUndefined();
    expect(h.sim.control.get('invoices', invoice.id as number)).toMatchObject({ exported: true });
  });

  it('mark_exported with returnType none or explicit fields', async () => {
    const [first, second] = h.sim.control.list('invoices').filter((r) => r.exported === false);
    expect(await h.run('mark_exported', { object: 'invoices', id: first!.id, returnType: 'none' })).toEqual({
      object: 'invoices',
      id: first!.id,
      record: null,
    });
    expect(await h.run('mark_exported', { object: 'purchase_orders', id: second!.id, fields: ['id', 'exported'] })).toEqual({
      object: 'purchase_orders',
      id: second!.id,
      record: { id: second!.id, exported: true },
    });
    expect(h.apiRequests()).toEqual([
      `PUT /api/invoices/${first!.id as number}?exported=true&return_object=none`,
      `PUT /api/purchase_orders/${second!.id as number}?exported=true&fields=["id","exported"]`,
    ]);
  });
});

describe('purchase orders', () => {
  it('issue a draft, cancel an issued one, close another', async () => {
    const draft = withStatus('purchase_orders', ['draft', 'buyer_hold'])[0]!;
    expect(await h.record('issue', { object: 'purchase_orders', id: draft.id })).toMatchObject({ status: 'issued' });
    const [toCancel, toClose] = withStatus('purchase_orders', ['issued'], [draft.id as number]);
    expect(await h.record('cancel', { object: 'purchase_orders', id: toCancel!.id })).toMatchObject({ status: 'cancelled' });
    expect(await h.record('close', { object: 'purchase_orders', id: toClose!.id, returnType: 'shallow' })).toMatchObject({
      status: 'closed',
    });
    expect(h.apiRequests()).toEqual([
      `PUT /api/purchase_orders/${draft.id as number}/issue`,
      `PUT /api/purchase_orders/${toCancel!.id as number}/cancel`,
      `PUT /api/purchase_orders/${toClose!.id as number}/close?return_object=shallow`,
    ]);
  });
});

describe('integration runs', () => {
  it('create (pending), run with total_records, then success; another fails', async () => {
    const integration = h.sim.control.get('integrations', 1)!;
    const created = await h.run('create', { object: 'integration_runs', data: { integration: { code: integration.code } } });
    const id = (created as { id: number }).id;
    expect(created).toMatchObject({ record: { status: 'pending' } });
    expect(await h.record('run', { object: 'integration_runs', id, data: { 'total-records': 12 } })).toMatchObject({
      status: 'running',
      'total-records': 12,
    });
    expect(h.sim.control.requests.at(-1)!.body).toEqual({ 'total-records': 12 });
    expect(await h.record('success', { object: 'integration_runs', id })).toMatchObject({
      status: 'successful',
      'end-time': expect.any(String),
    });
    const pending = withStatus('integration_runs', ['pending', 'running'])[0]!;
    expect(await h.record('fail', { object: 'integration_runs', id: pending.id })).toMatchObject({ status: 'failed' });
  });
});

describe('other special actions', () => {
  it('collection actions have no id: requisitions submit_for_approval creates one', async () => {
    const user = h.sim.control.get('users', 2)!;
    const result = await h.run('submit_for_approval', { object: 'requisitions', data: { 'requested-by': { login: user.login } } });
    expect(result).toMatchObject({ object: 'requisitions', id: expect.any(Number), record: { status: 'pending_approval' } });
    expect(h.apiRequests()).toEqual(['POST /api/requisitions/submit_for_approval']);
  });

  it('integration history records have their own mark_exported (a collection POST, not the export flag)', async () => {
    const invoice = h.sim.control.list('invoices').find((r) => r.exported === false)!;
    const result = await h.run('mark_exported', {
      object: 'integration_history_records',
      data: { 'document-type': 'InvoiceHeader', 'document-id': invoice.id, 'contact-alert-type': 'Functional', status: 'Success' },
    });
    expect(result).toMatchObject({ object: 'integration_history_records', id: expect.any(Number) });
    expect(h.apiRequests()).toEqual(['POST /api/integration_history_records/mark_exported']);
    expect(h.sim.control.get('invoices', invoice.id as number)!.exported).toBe(true);
  });

  it('purchase order lines: soft close for receiving', async () => {
    expect(await h.record('soft_close_for_receiving', { object: 'purchase_order_lines', id: 1 })).toMatchObject({
      status: 'soft_closed_for_receiving',
    });
  });
});

describe('unknown outcomes', () => {
  it('sends a special action once when the connection drops (it may have run), but resends a plain update', async () => {
    const draft = withStatus('invoices', ['draft'])[0]!;
    h.sim.control.injectFaults([{ kind: 'reset', method: 'PUT', path: `/api/invoices/${draft.id as number}/submit` }]);
    await expect(h.run('submit', { object: 'invoices', id: draft.id })).rejects.toMatchObject({ name: 'Coupa.UnknownOutcome' });
    expect(h.apiRequests().filter((r) => r.endsWith('/submit'))).toHaveLength(1);

    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'reset', method: 'PUT', path: '/api/suppliers/2' }]);
    expect(await h.record('update', { object: 'suppliers', id: 2, data: { 'display-name': 'Resent once' } })).toMatchObject({
      'display-name': 'Resent once',
    });
    expect(h.apiRequests().filter((r) => r.startsWith('PUT /api/suppliers/2'))).toHaveLength(2);
  });

  it('a create whose answer is lost after Coupa applied it: sent once, Coupa.UnknownOutcome, one record', async () => {
    const before = h.sim.control.list('suppliers').length;
    h.sim.control.injectFaults([{ kind: 'status', status: 502, method: 'POST', path: '/api/suppliers', afterApply: true }]);
    await expect(h.run('create', { object: 'suppliers', data: { name: 'Lost Answer Ltd' } })).rejects.toMatchObject({
      name: 'Coupa.UnknownOutcome',
    });
    expect(h.apiRequests().filter((r) => r === 'POST /api/suppliers')).toHaveLength(1);
    expect(h.sim.control.list('suppliers')).toHaveLength(before + 1);
  });

  it('an update that adds a purchase order line without an id is a PUT sent once after a lost answer (it would add the line twice)', async () => {
    const po = h.sim.control
      .list('purchase_orders')
      .find((r) => Array.isArray(r['order-lines']) && (r['order-lines'] as unknown[]).length > 0)!;
    const lines = () => (h.sim.control.get('purchase_orders', po.id as number)!['order-lines'] as unknown[]).length;
    const before = lines();
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([
      { kind: 'status', status: 504, method: 'PUT', path: `/api/purchase_orders/${po.id as number}`, afterApply: true },
    ]);
    const newLine = { description: 'Added once', quantity: 1, price: 10, 'line-num': before + 1 };
    await expect(h.run('update', { object: 'purchase_orders', id: po.id, data: { 'order-lines': [newLine] } })).rejects.toMatchObject({
      name: 'Coupa.UnknownOutcome',
      message: expect.stringMatching(/HTTP 504.*outcome is unknown/),
    });
    expect(h.apiRequests().filter((r) => r.startsWith(`PUT /api/purchase_orders/${po.id as number}`))).toHaveLength(1);
    expect(lines()).toBe(before + 1);
  });

  it('an update that edits existing lines by id is resent after a lost answer (the same edit twice is one edit)', async () => {
    const po = h.sim.control
      .list('purchase_orders')
      .find((r) => Array.isArray(r['order-lines']) && (r['order-lines'] as unknown[]).length > 0)!;
    const line = (po['order-lines'] as { id: number }[])[0]!;
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([
      { kind: 'status', status: 504, method: 'PUT', path: `/api/purchase_orders/${po.id as number}`, afterApply: true },
    ]);
    await h.run('update', { object: 'purchase_orders', id: po.id, data: { 'order-lines': [{ id: line.id, description: 'Edited' }] } });
    expect(h.apiRequests().filter((r) => r.startsWith(`PUT /api/purchase_orders/${po.id as number}`))).toHaveLength(2);
  });
});
