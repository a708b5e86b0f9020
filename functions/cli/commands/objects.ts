import { parseArgs } from 'node:util';
import { catalog, type CatalogObject } from '../../../shared/catalog';
import type { CliIo } from '../io';

/** What `objects --json` prints per object: the catalog entry minus internals, stable for scripts. */
export function describeObject(o: CatalogObject) {
  return {
    key: o.key,
    title: o.title,
    path: o.path,
    ...(o.parentParam ? { parent: o.parentParam.parent } : {}),
    nestedPaths: o.nestedPaths.map((n) => n.path),
    capabilities: o.capabilities,
    naturalKeys: o.naturalKeys,
    scopes: o.scopes,
    exportFlag: o.exportFlag,
    actions: o.actions.map((a) => a.name),
  };
}

const yes = (b: boolean, letter: string) => (b ? letter : '-');

export async function objectsCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
  if (values.json) {
    io.out(JSON.stringify(catalog.map(describeObject), null, 2));
    return 0;
  }
  const rows = catalog.map((o) => [
    o.key,
    o.title,
    yes(o.capabilities.trigger, 'T') + yes(o.capabilities.query, 'Q') + yes(o.capabilities.create, 'C') + yes(o.capabilities.update, 'U'),
    o.path,
    `${o.scopes.read} ${o.scopes.write}`,
  ]);
  const header = ['KEY', 'TITLE', 'TQCU', 'PATH (under /api)', 'SCOPES (read write)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    io.out(
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  io.out(`\n${catalog.length} objects. T = trigger (change events), Q = query, C = create, U = update.`);
  return 0;
}
