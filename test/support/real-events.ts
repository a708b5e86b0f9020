import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localPoll } from '../../functions/cli/local-poller';
import type { CatalogObject } from '../../shared/catalog';
import { CoupaClient, type CoupaClientOptions } from '../../shared/coupa';
import type { CoupaEventEntry, EventReturnType } from '../../shared/events';
import type { Simulator } from '../../shared/simulator';
import { MemoryPublisher } from './poll-harness';

/**
 * The entries one real poll run publishes for an object and return type (the CLI's local poller against
 * the simulator over HTTP). Objects Coupa serves only under a parent are polled under the first parent
 * that has some.
 */
export async function pollEntries(sim: Simulator, object: CatalogObject, returnType: EventReturnType): Promise<CoupaEventEntry[]> {
  const parentIds = object.parentParam ? sim.control.list(object.parentParam.parent).map((r) => r.id as number) : [undefined];
  for (const parentId of parentIds) {
    const publisher = new MemoryPublisher();
    const client = new CoupaClient({
      host: sim.baseUrl,
      credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: [object.scopes.read] },
    } as CoupaClientOptions);
    await localPoll({
      client,
      object,
      instance: 'sim',
      stateDir: mkdtempSync(path.join(tmpdir(), 'coupa-events-')),
      out: publisher,
      lagSeconds: 0,
      returnType,
      sinceMs: 0,
      maxRequestsPerSecond: 1000,
      now: () => sim.control.clock.now(),
      ...(object.parentParam && parentId !== undefined ? { pathParams: { [object.parentParam.param]: parentId } } : {}),
    });
    if (publisher.entries.length > 0) return publisher.entries;
  }
  return [];
}
