// Remit-to addresses, which Coupa serves only under their supplier, polled without a parent: the poller
// sweeps every supplier (fan-out-poll.ts). Against the simulator over HTTP.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCursor } from '../../../shared/changes';
import { CoupaClient } from '../../../shared/coupa';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { duplicatesIn, latestVersions, pollHarness } from '../../support/poll-harness';

const SUPPLIERS = 120; // three pages of supplier ids
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, records: { suppliers: SUPPLIERS, remit_to_addresses: 160 }, rateLimit: false });
});
afterAll(async () => {
  await sim?.close();
});

const stored = (stateDir: string) =>
  parseCursor(JSON.parse(readFileSync(path.join(stateDir, 'sim_remit_to_addresses.checkpoint.json'), 'utf8')).cursor);
const supplierOf = (addressId: number) =>
  sim.control
    .list('suppliers')
    .find((s) => ((s['remit-to-addresses'] as { id: number }[] | undefined) ?? []).some((a) => a.id === addressId))!;
const addressRequests = () => sim.control.requests.filter((r) => /^\/api\/suppliers\/\d+\/addresses$/.test(r.path));

describe('remit-to addresses: a fan-out over suppliers', () => {
  const h = () => harness;
  let harness: ReturnType<typeof pollHarness>;
  beforeAll(() => {
    harness = pollHarness(sim, { object: 'remit_to_addresses', sinceMs: 0 });
  });

  it('a first run publishes every address of every supplier, at a cost of one request per supplier plus the id pages', async () => {
    const expected = [...latestVersions(sim, 'remit_to_addresses', 0)].sort();
    expect(expected.length).toBeGreaterThan(100);
    sim.control.resetRequestLog();

    const result = await h().poll();

    expect(result).toMatchObject({ stoppedBy: 'caught-up', parents: SUPPLIERS, sweepFinished: true });
    expect([...h().publisher.versions()].sort()).toEqual(expected);
    expect(duplicatesIn(h().publisher.versions())).toEqual([]);
    // S suppliers: ⌈(S + 1) / 50⌉ pages of ids (the last one short) and one address query each.
    expect(result.requests).toBe(Math.ceil((SUPPLIERS + 1) / 50) + SUPPLIERS);
    const idPages = sim.control.requests.filter((r) => r.path === '/api/suppliers');
    expect(idPages).toHaveLength(3);
    expect(idPages.every((r) => r.query.fields === '["id"]')).toBe(true);
    expect(stored(h().stateDir)).toEqual({ version: 1, watermarkMs: result.cursor.watermarkMs, doneIds: [] });
  });

  it('an address edited under its supplier is published, though the supplier’s updated-at does not move', async () => {
    const address = sim.control.list('remit_to_addresses')[7]!;
    const supplier = supplierOf(address.id as number);
    sim.control.clock.advance(5000);
    sim.control.update('remit_to_addresses', address.id as number, { street1: '1 Changed Street' });
    sim.control.clock.advance(1000);
    const before = h().publisher.entries.length;

    const result = await h().poll();

    const fresh = h()
      .publisher.entries.slice(before)
      .map((e) => JSON.parse(e.Detail));
    expect(result).toMatchObject({ published: 1, stoppedBy: 'caught-up' });
    expect(fresh).toHaveLength(1);
    expect(fresh[0].metadata).toMatchObject({ object: 'remit_to_addresses', recordId: address.id, change: 'updated' });
    expect(fresh[0].data.street1).toBe('1 Changed Street');
    expect(sim.control.get('suppliers', supplier.id as number)!['updated-at']).toBe(supplier['updated-at']);
  });

  it('an address created (and edited) since the last sweep is announced Created, once, with its latest data', async () => {
    const supplierId = sim.control.list('suppliers')[3]!.id as number;
    sim.control.clock.advance(5000);
    const writer = new CoupaClient({
      host: sim.baseUrl,
      credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: ['core.supplier.write'] },
    });
    const created = (await writer.create(`suppliers/${supplierId}/addresses`, {
      'remit-to-code': 'RTC-NEW',
      street1: '1 Main St',
      city: 'Springfield',
      'postal-code': '12345',
      country: { code: 'US' },
    })) as { id: number };
    sim.control.clock.advance(2000);
    sim.control.update('remit_to_addresses', created.id, { street1: '2 Main St' });
    sim.control.clock.advance(1000);
    const before = h().publisher.entries.length;

    await h().poll();
    sim.control.clock.advance(5000);
    sim.control.update('remit_to_addresses', created.id, { street1: '3 Main St' });
    sim.control.clock.advance(1000);
    await h().poll();

    const mine = h()
      .publisher.entries.slice(before)
      .filter((e) => JSON.parse(e.Detail).metadata.recordId === created.id);
    expect(mine.map((e) => e.DetailType)).toEqual(['Coupa Remit To Address Created', 'Coupa Remit To Address Updated']);
    expect(mine.map((e) => JSON.parse(e.Detail).data.street1)).toEqual(['2 Main St', '3 Main St']);
  });

  it('a run failing on one supplier keeps what it published; the next run resumes there: nothing lost, nothing twice', async () => {
    // Changes under suppliers early and late in id order.
    const suppliers = sim.control
      .list('suppliers')
      .filter((s) => ((s['remit-to-addresses'] as unknown[] | undefined) ?? []).length > 0)
      .sort((a, b) => (a.id as number) - (b.id as number));
    const picked = [suppliers[1]!, suppliers[Math.floor(suppliers.length / 2)]!, suppliers[suppliers.length - 2]!];
    const addressIds = picked.map((s) => (s['remit-to-addresses'] as { id: number }[])[0]!.id);
    sim.control.clock.advance(5000);
    const fromMs = Math.floor(sim.control.clock.now() / 1000) * 1000;
    sim.control.touch('remit_to_addresses', addressIds);
    sim.control.clock.advance(1000);
    const failing = picked[1]!.id as number;
    sim.control.injectFaults([{ kind: 'status', status: 400, path: `/api/suppliers/${failing}/addresses` }]);
    const before = h().publisher.entries.length;

    await expect(h().poll()).rejects.toThrow();

    const firstRun = h().publisher.versions().slice(before);
    expect(firstRun).toEqual([`${addressIds[0]}@${fromMs}`]);
    const cut = stored(h().stateDir);
    expect(cut.watermarkMs).toBeLessThan(fromMs); // the sweep did not finish: the watermark stays
    expect(cut.sweep!.afterParentId).toBeLessThan(failing);
    expect(cut.sweep!.afterParentId).toBeGreaterThanOrEqual(picked[0]!.id as number);

    sim.control.resetRequestLog();
    const second = await h().poll();

    expect(second).toMatchObject({ stoppedBy: 'caught-up', sweepFinished: true, published: 2 });
    // It resumed after the last supplier fully published: no supplier before it was asked again.
    expect(addressRequests().every((r) => Number(r.path.split('/')[3]) > cut.sweep!.afterParentId)).toBe(true);
    const all = h().publisher.versions().slice(before);
    expect(all.sort()).toEqual(addressIds.map((id) => `${id}@${fromMs}`).sort());
    expect(duplicatesIn(h().publisher.versions())).toEqual([]);
  });

  it('a run cut off by its deadline mid-sweep continues from its position in the next run', async () => {
    const all = sim.control.list('remit_to_addresses').map((a) => a.id as number);
    sim.control.clock.advance(5000);
    const fromMs = Math.floor(sim.control.clock.now() / 1000) * 1000;
    sim.control.touch('remit_to_addresses', all);
    sim.control.clock.advance(1000);
    // Coupa's clock (the poller's `now` here) passes the deadline once 30 suppliers were asked.
    const stopAtMs = sim.control.clock.now() + 60_000;
    let asked = 0;
    sim.control.onListRequest((info, control) => {
      if (info.objectKey === 'remit_to_addresses' && ++asked === 30) control.clock.advance(120_000);
    });
    const before = h().publisher.entries.length;

    const first = await h().poll({ stopAtMs });
    sim.control.onListRequest(undefined);

    expect(first).toMatchObject({ stoppedBy: 'deadline', sweepFinished: false });
    expect(first.parents).toBeGreaterThanOrEqual(26);
    expect(first.parents!).toBeLessThan(SUPPLIERS);
    expect(stored(h().stateDir).sweep).toBeDefined();

    const second = await h().poll();

    expect(second).toMatchObject({ stoppedBy: 'caught-up', sweepFinished: true });
    expect(first.parents! + second.parents!).toBe(SUPPLIERS);
    const published = h().publisher.versions().slice(before);
    expect(duplicatesIn(published)).toEqual([]);
    expect(published.sort()).toEqual(all.map((id) => `${id}@${fromMs}`).sort());
  });
});
