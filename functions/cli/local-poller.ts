import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { FileCheckpointStore, FilePayloadStore, JsonLinesPublisher } from '../../shared/adapters/file';
import type { CatalogObject } from '../../shared/catalog';
import {
  CoupaFanOutSource,
  CoupaRecordSource,
  runTrigger,
  type EventPublisher,
  type PollInput,
  type PollProgress,
  type TriggerResult,
} from '../../shared/changes';
import type { CoupaClient, CoupaQuery, FieldSpec } from '../../shared/coupa';

/** Local options: the poll input (runId optional), plus where state and events go. */
export interface LocalPollOptions extends Omit<PollInput, 'runId'> {
  readonly client: CoupaClient;
  readonly stateDir: string;
  /** A JSON-lines file, stdout (`-`), or any publisher. */
  readonly out: string | EventPublisher;
  readonly fields?: FieldSpec;
  readonly filters?: CoupaQuery;
  /** Values for a nested-only object's path, e.g. `{ supplier_id: 12 }`. */
  readonly pathParams?: Readonly<Record<string, number>>;
  /** @default a random UUID */
  readonly runId?: string;
  /** @default Date.now */
  readonly now?: () => number;
  readonly onPage?: (progress: PollProgress) => void;
}

/**
 * One run of the real poller with files in place of DynamoDB, EventBridge and S3: what `poll` and
 * `start` run, and what the poller's integration tests drive.
 */
export function localPoll(options: LocalPollOptions): Promise<TriggerResult> {
  const { client, stateDir, out, fields, filters, pathParams, runId, now, onPage, ...input } = options;
  const object: CatalogObject = input.object;
  const publisher = typeof out === 'string' ? new JsonLinesPublisher(out === '-' ? process.stdout : out) : out;
  const shape = { object, returnType: input.returnType, ...(fields ? { fields } : {}), ...(filters ? { filters } : {}) };
  const common = {
    checkpoints: new FileCheckpointStore(stateDir),
    publisher,
    payloads: new FilePayloadStore(path.join(stateDir, 'payloads')),
    now: now ?? Date.now,
  };
  // An object served only under a parent, without --parent: every parent's children (fan-out).
  const deps =
    object.parentParam && !pathParams
      ? { ...common, fanOut: new CoupaFanOutSource(client, shape) }
      : {
          ...common,
          records: new CoupaRecordSource(client, { ...shape, ...(pathParams ? { pathParams } : {}) }),
          ...(onPage ? { onPage } : {}),
        };
  return runTrigger(deps, { ...input, runId: runId ?? randomUUID() });
}
