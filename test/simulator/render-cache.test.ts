import type { Simulator } from '../../shared/simulator';
import { client, getToken, startTestSimulator, T0 } from './helpers';

type Row = Record<string, any> & { id: number };

/**
 * The API keeps rendered associations between answers (for throughput). What it answers must be what
 * it would render afresh: any visible change anywhere (the record, a record it points at, an owned
 * child) shows in the next answer.
 */
describe('simulator answers with rendered records kept between requests', () => {
  let sim: Simulator;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startTestSimulator({ records: { invoices: 60, purchase_orders: 10 } });
    api = client(sim, await getToken(sim));
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.control.clock.set(T0 + 3_600_000);
    sim.control.setVisibilityLagMs(0);
  });

  it('answers the same bytes to the same page, and the canonical record in the instance zone', async () => {
    const page = '/invoices?order_by=updated_at&limit=50';
    const first = await api.get<Row[]>(page);
    const again = await api.get<Row[]>(page);
    expect(again.text).toBe(first.text);
    const canonical = sim.control.get('invoices', first.body[0]!.id)!;
    expect(first.body[0]!['invoice-number']).toBe(canonical['invoice-number']);
    expect(first.body[0]!['created-by']).toEqual({
      ...(canonical['created-by'] as Row),
      'created-at': expect.stringMatching(/-0[78]:00$/),
      'updated-at': expect.stringMatching(/-0[78]:00$/),
    });
  });

  it('shows a change to an associated record in every record that points at it', async () => {
    const before = (await api.get<Row>('/invoices/3')).body;
    const userId = (before['created-by'] as Row).id as number;
    const pointing = (await api.get<Row[]>('/invoices?limit=50')).body.filter((r) => (r['created-by'] as Row).id === userId);
    await api.put(`/users/${userId}`, { firstname: 'Cached-Not' });
    expect(((await api.get<Row>('/invoices/3')).body['created-by'] as Row).firstname).toBe('Cached-Not');
    const after = (await api.get<Row[]>('/invoices?limit=50')).body.filter((r) => (r['created-by'] as Row).id === userId);
    expect(after.map((r) => r.id)).toEqual(pointing.map((r) => r.id));
    expect(after.every((r) => (r['created-by'] as Row).firstname === 'Cached-Not')).toBe(true);
  });

  it('keeps the return types apart: shallow and default answers of one version differ as they should', async () => {
    const path = '/invoices/4';
    const full = (await api.get<Row>(path)).body;
    const shallow = (await api.get<Row>(`${path}?return_object=shallow`)).body;
    const fullAgain = (await api.get<Row>(path)).body;
    expect(fullAgain).toEqual(full);
    expect(Object.keys(shallow['created-by'] as Row).sort()).not.toEqual(Object.keys(full['created-by'] as Row).sort());
    expect((shallow['created-by'] as Row).id).toBe((full['created-by'] as Row).id);
    expect((await api.get<Row>(`${path}?return_object=limited`)).body).toEqual({ id: 4 });
  });

  it('shows a lagging version once it becomes visible, and an owned child edited on its own', async () => {
    await api.get('/invoices/5');
    sim.control.setVisibilityLagMs(2_000);
    sim.control.update('invoices', 5, { 'invoice-number': 'LATE-5' });
    expect((await api.get<Row>('/invoices/5')).body['invoice-number']).not.toBe('LATE-5');
    sim.control.clock.advance(2_000);
    expect((await api.get<Row>('/invoices/5')).body['invoice-number']).toBe('LATE-5');

    sim.control.setVisibilityLagMs(0);
    const order = (await api.get<Row>('/purchase_orders/2')).body;
    const line = (order['order-lines'] as Row[])[0]!;
    sim.control.update('purchase_order_lines', line.id, { description: 'Edited line' });
    const lines = (await api.get<Row>('/purchase_orders/2')).body['order-lines'] as Row[];
    expect(lines.find((l) => l.id === line.id)!.description).toBe('Edited line');
  });
});
