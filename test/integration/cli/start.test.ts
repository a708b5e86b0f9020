import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli } from '../../support/cli';

describe('CLI: start (the local main job on the built-in simulator)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'coupa-start-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one line per event and writes the same events in full to the JSON-lines file', async () => {
    const out = path.join(dir, 'events.jsonl');
    const { stdout } = await cli([
      'start',
      '--duration-seconds',
      '4',
      '--interval-seconds',
      '1',
      '--out',
      out,
      '--state-dir',
      path.join(dir, 'state'),
    ]);
    const eventLines = stdout.split('\n').filter((l) => /^\d\d-\d\d \d\d:\d\d:\d\dZ {2}Coupa /.test(l));
    const entries = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(eventLines.length).toBeGreaterThan(3);
    expect(entries).toHaveLength(eventLines.length);
    expect(stdout).toContain(`${entries.length} events published`);
    for (const [i, entry] of entries.entries()) {
      const { metadata } = JSON.parse(entry.Detail);
      expect(eventLines[i]).toContain(`${metadata.object} #${metadata.recordId}`);
      expect(entry.DetailType).toMatch(/^Coupa (Invoice|Purchase Order|Supplier) (Created|Updated)$/);
    }
    // Live edits made while it ran arrive as events too, not only the backfill.
    const recent = entries.filter((e) => Date.now() - Date.parse(e.Time) < 60_000);
    expect(recent.length).toBeGreaterThan(0);
    const keys = entries.map((e) => JSON.parse(e.Detail).metadata.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
