import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { cli, runCli, simulatorClientEnv } from '../../support/cli';

const env = simulatorClientEnv();

describe('CLI: poll an object Coupa serves only under a parent', () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 4, records: 60, rateLimit: false });
    dir = await mkdtemp(path.join(tmpdir(), 'coupa-nested-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('follows one supplier’s remit-to addresses with --parent, and refuses a malformed one', async () => {
    // A supplier embeds its remit-to addresses: that is the truth to compare with.
    const supplier = sim.control.list('suppliers').find((s) => ((s['remit-to-addresses'] as unknown[] | undefined) ?? []).length > 0)!;
    const supplierId = supplier.id as number;
    const mine = (supplier['remit-to-addresses'] as { id: number }[]).map((a) => a.id).sort();
    const out = path.join(dir, 'remit.jsonl');
    const args = [
      'poll',
      '--object',
      'remit_to_addresses',
      '--host',
      sim.baseUrl,
      '--state-dir',
      dir,
      '--out',
      out,
      '--since',
      '2020-01-01T00:00:00Z',
      '--lag-seconds',
      '0',
      '--quiet',
    ];
    await expect(runCli([...args, '--parent', 'user_id=3'], { env })).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--parent supplier_id=<id>'),
    });

    await cli([...args, '--parent', `supplier_id=${supplierId}`], { env });
    const ids = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(JSON.parse(l).Detail).metadata.recordId)
      .sort();
    expect(ids).toEqual(mine);
    expect(
      sim.control.requests.filter((r) => r.path.startsWith('/api/')).every((r) => r.path === `/api/suppliers/${supplierId}/addresses`),
    ).toBe(true);
  });

  it('without --parent, fans out over every supplier: all remit-to addresses, one address query per supplier', async () => {
    const stateDir = path.join(dir, 'fan-out');
    const out = path.join(dir, 'all-remit.jsonl');
    sim.control.resetRequestLog();
    const args = ['poll', '--object', 'remit_to_addresses', '--host', sim.baseUrl, '--state-dir', stateDir, '--out', out];
    const run = await cli([...args, '--since', '2020-01-01T00:00:00Z', '--lag-seconds', '0', '--quiet'], { env });

    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const ids = lines.map((l) => JSON.parse(JSON.parse(l).Detail).metadata.recordId as number).sort((a, b) => a - b);
    const all = sim.control
      .list('remit_to_addresses')
      .map((a) => a.id as number)
      .sort((a, b) => a - b);
    expect(ids).toEqual(all);
    const suppliers = sim.control.list('suppliers').length;
    const addressQueries = sim.control.requests.filter((r) => /^\/api\/suppliers\/\d+\/addresses$/.test(r.path));
    expect(addressQueries).toHaveLength(suppliers);
    expect(run.stderr).toContain(`published ${all.length} events`);
  });
});
