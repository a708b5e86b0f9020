import { designTable } from '../../unit/catalog/design-table';
import { cli, runCli } from '../../support/cli';

describe('CLI: objects', () => {
  it('--json lists the 25 objects with at least the capabilities of design.md’s table', async () => {
    const { stdout } = await cli(['objects', '--json']);
    const objects = JSON.parse(stdout) as {
      key: string;
      path: string;
      title: string;
      capabilities: Record<string, boolean>;
      scopes: { read: string };
    }[];
    expect(objects).toHaveLength(25);
    for (const o of objects) {
      const floor = designTable[o.key];
      expect(floor).toBeDefined();
      for (const [cap, required] of Object.entries(floor!))
        if (required) expect([o.key, cap, o.capabilities[cap]]).toEqual([o.key, cap, true]);
      expect(o.path).toMatch(/^\//);
      expect(o.scopes.read).toMatch(/^core\./);
    }
  });

  it('prints a readable table by default', async () => {
    const { stdout } = await cli(['objects']);
    expect(stdout).toMatch(/^KEY\s+TITLE\s+TQCU/);
    expect(stdout).toMatch(/^purchase_orders\s+Purchase Order\s+TQCU\s+\/purchase_orders/m);
    expect(stdout).toMatch(/^approvals\s+Approval\s+TQ--/m);
  });

  it('rejects an unknown flag with a usage error and exit code 2', async () => {
    await expect(runCli(['objects', '--bogus'])).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('"errorType":"UsageError"'),
    });
  });
});
