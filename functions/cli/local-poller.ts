import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { FileCheckpointStore, FilePayloadStore, JsonLinesPublisher } from '../../shared/adapters/file';
import type { CatalogObject } from '../../shared/catalog';
import { CoupaRecordSource, runPoll, type EventPublisher, type PollProgress, type PollResult } from '../../shared/changes';
import type { CoupaClient, CoupaQuery, FieldSpec } from '../../shared/coupa';
import type { ReturnType } from '../../shared/events';

export interface LocalPollOptions {
  readonly client: CoupaClient;
  readonly object: CatalogObject;
  readonly instance: string;
  readonly stateDir: string;
  /** A JSON-lines file, stdout (`-`), or any publisher. */
  readonly out: string | EventPublisher;
  readonly lagSeconds: number;
  readonly returnType: ReturnType;
  readonly sinceMs?: number;
  readonly source?: string;
  readonly fields?: FieldSpec;
  readonly filters?: CoupaQuery;
  readonly stopAtMs?: number;
  readonly concurrency?: number;
  /** Values for a nested-only object's path, e.g. `{ supplier_id: 12 }`. */
  readonly pathParams?: Readonly<Record<string, number>>;
  readonly onPage?: (progress: PollProgress) => void;
}

/** One run of the real poller with files in place of DynamoDB, EventBridge and S3. */
export function localPoll(options: LocalPollOptions): Promise<PollResult> {
  const { client, object, returnType } = options;
  const publisher =
    typeof options.out === 'string' ? new JsonLinesPublisher(options.out === '-' ? process.stdout : options.out) : options.out;
  return runPoll(
    {
      records: new CoupaRecordSource(client, { object, returnType, ...(options.pathParams ? { pathParams: options.pathParams } : {}), ...(options.fields ? { fields: options.fields } : {}), ...(options.filters ? { filters: options.filters } : {}) }),
      checkpoints: new FileCheckpointStore(options.stateDir),
      publisher,
      payloads: new FilePayloadStore(path.join(options.stateDir, 'payloads')),
      now: Date.now,
      ...(options.onPage ? { onPage: options.onPage } : {}),
    },
    {
      object,
      instance: options.instance,
      lagSeconds: options.lagSeconds,
      returnType,
      runId: randomUUID(),
      ...(options.source ? { source: options.source } : {}),
      ...(options.sinceMs === undefined ? {} : { sinceMs: options.sinceMs }),
      ...(options.stopAtMs === undefined ? {} : { stopAtMs: options.stopAtMs }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    },
  );
}
