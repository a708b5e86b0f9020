// `poll --reset-since` (a resync) and `poll --trigger` (several triggers of one object), as a user runs
// them: the CLI in a child process against the simulator over HTTP, state in files.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { cli, runCli, simulatorClientEnv } from '../../support/cli';

const env = simulatorClientEnv();
type Line = { DetailType: string; Detail: string };
const details = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse((JSON.parse(l) as Line).Detail) as { metadata: { recordId: number; eventId: string; idempotencyKey: string } });

describe('CLI: resync and several triggers per object', () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 9, records: { invoices: 40 }, rateLimit: false });
    dir = await mkdtemp(path.join(tmpdir(), 'coupa-triggers-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  const base = (stateDir: string, out: string) => [
    'poll',
    '--object',
    'invoices',
    '--host',
    sim.baseUrl,
    '--state-dir',
    stateDir,
    '--out',
    out,
    '--lag-seconds',
    '0',
    '--quiet',
  ];

  it('--reset-since restarts the cursor and publishes that history again, with the same event ids', async () => {
    const stateDir = path.join(dir, 'reset');
    const out = path.join(dir, 'reset.jsonl');
    const since = '2000-01-01T00:00:00Z';
    await cli([...base(stateDir, out), '--since', since], { env });
    const first = await details(out);
    expect(first.length).toBe(40);
    await cli(base(stateDir, out), { env });
    expect(await details(out)).toHaveLength(40); // caught up: nothing again

    await cli([...base(stateDir, out), '--reset-since', since], { env });

    const all = await details(out);
    expect(all).toHaveLength(80);
    expect(
      all
        .slice(40)
        .map((d) => d.metadata.eventId)
        .sort(),
    ).toEqual(first.map((d) => d.metadata.eventId).sort());
    for (const bad of ['yesterday', '2999-01-01T00:00:00Z']) {
      await expect(runCli([...base(stateDir, out), '--reset-since', bad], { env })).resolves.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--reset-since'),
      });
    }
  });

  it('two triggers of one object with different filters keep separate cursors and publish different event ids', async () => {
    const stateDir = path.join(dir, 'two');
    const allOut = path.join(dir, 'all.jsonl');
    const approvedOut = path.join(dir, 'approved.jsonl');
    const since = ['--since', '2000-01-01T00:00:00Z'];
    const approvedArgs = [
      ...base(stateDir, approvedOut),
      '--trigger',
      'approved',
      '--filter',
      '{"status":"approved"}',
      '--return-type',
      'shallow',
    ];
    await cli([...base(stateDir, allOut), ...since], { env });
    await cli([...approvedArgs, ...since], { env });
    const approved = sim.control.list('invoices').filter((i) => i.status === 'approved');
    expect(approved.length).toBeGreaterThan(0);
    expect((await details(approvedOut)).map((d) => d.metadata.recordId).sort()).toEqual(approved.map((i) => i.id).sort());
    expect(await details(allOut)).toHaveLength(40);
    expect((await readdir(stateDir)).filter((f) => f.endsWith('.checkpoint.json')).sort()).toEqual([
      'local_invoices.checkpoint.json',
      'local_invoices_approved.checkpoint.json',
    ]);

    // An edit to an approved invoice reaches both triggers, as two events; another invoice only the first.
    const other = sim.control.list('invoices').find((i) => i.status !== 'approved')!;
    sim.control.clock.advance(2000);
    sim.control.touch('invoices', [approved[0]!.id as number, other.id as number]);
    sim.control.clock.advance(2000);
    await cli(approvedArgs, { env });
    await cli(base(stateDir, allOut), { env });

    const newAll = (await details(allOut)).slice(40);
    const newApproved = (await details(approvedOut)).slice(approved.length);
    expect(newAll.map((d) => d.metadata.recordId).sort()).toEqual([approved[0]!.id, other.id].sort());
    expect(newApproved.map((d) => d.metadata.recordId)).toEqual([approved[0]!.id]);
    const a = newAll.find((d) => d.metadata.recordId === approved[0]!.id)!.metadata;
    const b = newApproved[0]!.metadata;
    expect(b.idempotencyKey).toBe(`${a.idempotencyKey}:approved`);
    expect(b.eventId).not.toBe(a.eventId);
  });
});
