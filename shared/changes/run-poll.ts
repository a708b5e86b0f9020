import type { CatalogObject } from '../catalog';
import type { Logger } from '../logger';
import type { CoupaEventEntry, EventReturnType } from '../events';
import { CreatedRule, queriedAfterRun } from './created';
import { initialCursor, type Cursor, type LaneCursor } from './cursor';
import { DEFAULT_INLINE_LIMIT_BYTES, eventEntryOf } from './event-entries';
import { Lanes, type Lane } from './lanes';
import { runContextOf } from './run-context';
import { startingCursor } from './starting-cursor';
import type { PageRequest } from './plan';
import {
  CheckpointConflictError,
  type CheckpointStore,
  type EventPublisher,
  type PayloadStore,
  type RecordPage,
  type RecordSource,
} from './ports';
import { versionOf } from './versions';

/** PutEvents takes up to 10 entries a request. */
const PUT_EVENTS_BATCH = 10;
/** How far Coupa's clock may run ahead of ours before the first answer tells us. */
const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;
/** Slack for our clock stepping back during a run, taken off the horizon the cursor records. */
const CLOCK_STEP_MARGIN_MS = 1000;
/** How far a run that finds nothing lets the stored cursor trail before it writes it. */
export const IDLE_SAVE_INTERVAL_MS = 10 * 60_000;

export interface PollDeps {
  readonly records: RecordSource;
  readonly checkpoints: CheckpointStore;
  readonly publisher: EventPublisher;
  readonly payloads?: PayloadStore;
  /** Local clock, epoch ms. */
  readonly now: () => number;
  readonly log?: Logger;
  /** Called after every page, for progress output on long backfills. */
  readonly onPage?: (progress: PollProgress) => void;
}

export interface PollProgress {
  readonly published: number;
  readonly requests: number;
  /** The cursor's watermark: every change before it is published. */
  readonly watermark: string;
}

export interface PollInput {
  readonly object: CatalogObject;
  readonly instance: string;
  /** The trigger's name when the object has several (shared/changes/triggers.ts): its own cursor, ids and claim-check prefix. */
  readonly trigger?: string;
  /** Event source. @default `coupa.<instance>` */
  readonly source?: string;
  /** How late a saved record may become visible to queries (commit lag, clock skew). */
  readonly lagSeconds: number;
  /** Where a poller without a cursor starts (epoch ms). @default now */
  readonly sinceMs?: number;
  /**
   * Restart the cursor here (epoch ms), under the lease, before polling: re-emits every change since
   * then (a resync). The stored cursor is replaced; events keep their ids, so consumers can dedupe.
   */
  readonly resetSinceMs?: number;
  readonly returnType: EventReturnType;
  /** Unique per run: the lease owner and every event's `runId`. */
  readonly runId: string;
  /** Make no new Coupa request after this instant (epoch ms): a backfill continues next run. */
  readonly stopAtMs?: number;
  /**
   * Every Coupa request, retries included, ends by this instant (epoch ms) or fails with a retryable
   * error, so a request started just before `stopAtMs` cannot outlive the invocation.
   */
  readonly requestDeadlineMs?: number;
  /** @default 200 KiB */
  readonly inlineLimitBytes?: number;
  /** Save the cursor once this many records were published since the last save (and at the end). @default 100 */
  readonly checkpointEveryRecords?: number;
  /** How long the lease lasts beyond `stopAtMs`. @default 60 s */
  readonly leaseMarginMs?: number;
  /**
   * Requests in flight at once: a backlog is split into this many time ranges paged side by side.
   * Keyset paging is otherwise one request at a time; the request cap below still holds. @default 4
   */
  readonly concurrency?: number;
  /**
   * An extra cap on this run alone. The limit that matters is the instance's (Coupa allows about 25
   * requests/s, shared with every other integration): the Coupa client's rate budget keeps every
   * poller and action of the instance within it together (shared/budget). @default no cap of its own
   */
  readonly maxRequestsPerSecond?: number;
  /**
   * A run that finds nothing writes its cursor only once it is this far past the stored one (a first
   * run always writes): idle runs then cost a read and, now and then, one write. @default 10 minutes
   */
  readonly idleSaveIntervalMs?: number;
}

export interface PollResult {
  readonly published: number;
  readonly claimChecked: number;
  readonly deadLettered: number;
  readonly requests: number;
  readonly publishCalls: number;
  readonly checkpointWrites: number;
  readonly cursor: Cursor;
  /** Why the run ended: nothing more is settled, or the time budget ran out. */
  readonly stoppedBy: 'caught-up' | 'deadline';
}

/**
 * One poll run for one object: the changes settled since the stored cursor, published as events, with
 * the cursor saved only past what is published. Shared by the Lambda, the CLI and the tests.
 */
export async function runPoll(deps: PollDeps, input: PollInput): Promise<PollResult> {
  const { object, runId } = input;
  const { key, lagMs, startedMs, leaseUntil, envelope: ctx } = runContextOf(input, deps.now);
  const checkpointEvery = input.checkpointEveryRecords ?? 100;

  // Coupa's clock minus ours, at least (the Date header is stamped before the answer reaches us): every
  // query of this run ran when Coupa's clock read at least startedMs plus this.
  let serverOffsetLowMs: number | undefined;
  let checkpointWrites = 0;
  let published = 0,
    claimChecked = 0,
    deadLettered = 0,
    requests = 0,
    publishCalls = 0,
    sinceSave = 0;

  const concurrency = Math.max(1, input.concurrency ?? 4);
  const minGapMs = input.maxRequestsPerSecond === undefined ? 0 : 1000 / Math.max(0.1, input.maxRequestsPerSecond);
  let nextStartMs = 0;
  let serverOffsetMs: number | undefined; // Coupa's clock minus ours, from response Date headers
  // Until Coupa's clock is known, ask a little beyond ours: the answer's Date header trims the page.
  const settledEstimate = () => deps.now() + (serverOffsetMs ?? CLOCK_SKEW_ALLOWANCE_MS) - lagMs;
  type Landed = { lane: Lane; request: PageRequest; page?: RecordPage; error?: unknown };
  const fetchLanded = (lane: Lane, request: PageRequest): Promise<Landed> =>
    deps.records.fetchPage(request, input.requestDeadlineMs === undefined ? undefined : { deadlineMs: input.requestDeadlineMs }).then(
      (page): Landed => ({ lane, request, page }),
      (error: unknown): Landed => ({ lane, request, error }),
    );
  /** Learns Coupa's clock from a page; returns the instant before which every change is settled. */
  const settledBeforeOf = (page: RecordPage): number => {
    if (page.serverTimeMs !== undefined) {
      serverOffsetMs = page.serverTimeMs - deps.now();
      serverOffsetLowMs = Math.max(serverOffsetLowMs ?? serverOffsetMs, serverOffsetMs);
    }
    return (page.serverTimeMs ?? deps.now() + (serverOffsetMs ?? 0)) - lagMs;
  };
  const horizonMs = () => (serverOffsetLowMs === undefined ? undefined : startedMs + serverOffsetLowMs - lagMs);

  // Look before taking the lease: most runs find nothing, and such a run ends with one Coupa request and
  // at most one write (an unleased, conditional advance). A run with something to publish takes the
  // lease and goes on from the page it already has. A reset (resetSinceMs) always runs under the lease.
  const peeked = input.resetSinceMs === undefined ? await deps.checkpoints.peek(key) : undefined;
  const peekedCursor = peeked?.cursor ?? initialCursor(input.sinceMs ?? startedMs);
  let probed: Landed | undefined;
  if (
    input.resetSinceMs === undefined &&
    Lanes.fromCursor(peekedCursor).list.length === 1 &&
    !(input.stopAtMs !== undefined && deps.now() >= input.stopAtMs)
  ) {
    const probeLanes = Lanes.fromCursor(peekedCursor);
    const [first] = probeLanes.startable(settledEstimate());
    if (first) {
      probed = await fetchLanded(first.lane, first.request);
      nextStartMs = Date.now() + minGapMs;
    }
    if (probed?.error !== undefined) {
      // A first run still records where it starts, so the next run begins there.
      if (!peeked) {
        await deps.checkpoints
          .advance(key, peekedCursor, 0, deps.now())
          .catch((saveError: unknown) => deps.log?.warn('Could not save the first cursor', { checkpoint: key, error: String(saveError) }));
      }
      throw probed.error;
    }
    let quiet = !first;
    if (first && probed?.page) {
      const outcome = probeLanes.apply(
        first.lane,
        first.request,
        probed.page.records.map((r) => versionOf(r, object.key)),
        settledBeforeOf(probed.page),
      );
      if (outcome.publish.length === 0 && probeLanes.idle()) {
        quiet = true;
        probeLanes.markSafe(first.lane, outcome.cursor);
      }
    }
    if (quiet) {
      const quietResult = (cursor: Cursor): PollResult => ({
        published,
        claimChecked,
        deadLettered,
        requests: probed ? 1 : 0,
        publishCalls,
        checkpointWrites,
        cursor,
        stoppedBy: 'caught-up',
      });
      const cursor = withQueried(peekedCursor, probeLanes.safeCursor(), horizonMs());
      // Nothing was published, so the stored cursor is as safe as the new one: it is moved on only now
      // and then (the next run asks a slightly wider, still empty range), and always on a first run.
      if (!peeked || cursor.watermarkMs - peeked.cursor.watermarkMs >= (input.idleSaveIntervalMs ?? IDLE_SAVE_INTERVAL_MS)) {
        try {
          await deps.checkpoints.advance(key, cursor, peeked?.version ?? 0, deps.now());
          checkpointWrites++;
        } catch (error) {
          // Another run moved the cursor or holds the lease (or the peek was stale): it is ahead of this
          // quiet run, which has nothing to add. Report the cursor it read, not one it could not store.
          if (!(error instanceof CheckpointConflictError)) throw error;
          deps.log?.info('A quiet run left the cursor to another run', { checkpoint: key, error: error.message });
          return quietResult(peekedCursor);
        }
      }
      // No log line: nothing happened, and the handler's metrics line carries the run's figures.
      return quietResult(cursor);
    }
  }

  const acquired = await deps.checkpoints.acquire(key, runId, leaseUntil(), startedMs);
  const start = startingCursor(acquired, key, input, startedMs, deps.log);
  const startCursor = start.cursor;
  const lanes = Lanes.fromCursor(startCursor);
  const created = new CreatedRule(startCursor);
  let version = acquired?.version ?? 0;

  // Events wait here until they fill whole PutEvents batches (10 entries), across pages. A page's
  // position becomes safe for its lane once every event queued up to that page's last is out: a crash
  // never skips an event.
  const pending: CoupaEventEntry[] = [];
  const pageMarks: { readonly end: number; readonly lane: Lane; readonly position: LaneCursor }[] = [];
  let enqueued = 0;
  let handedOver = 0;
  let savedJson = start.fresh ? undefined : JSON.stringify(start.cursor);
  const flush = async (all: boolean) => {
    const count = all ? pending.length : pending.length - (pending.length % PUT_EVENTS_BATCH);
    if (count > 0) {
      const report = await deps.publisher.publish(pending.slice(0, count));
      pending.splice(0, count);
      handedOver += count;
      published += report.delivered;
      deadLettered += report.deadLettered;
      publishCalls += report.calls;
      sinceSave += count;
    }
    while (pageMarks.length > 0 && pageMarks[0]!.end <= handedOver) {
      const mark = pageMarks.shift()!;
      lanes.markSafe(mark.lane, mark.position);
    }
  };
  const save = async () => {
    const cursor = withQueried(startCursor, lanes.safeCursor(), horizonMs());
    const json = JSON.stringify(cursor);
    if (json === savedJson) return;
    version = await deps.checkpoints.save(key, runId, cursor, version, leaseUntil());
    savedJson = json;
    checkpointWrites++;
    sinceSave = 0;
  };

  const inFlight = new Map<Lane, Promise<Landed>>();
  if (probed) {
    // The page the probe fetched belongs to the cursor just leased unless another run moved it meanwhile.
    if ((acquired?.version ?? 0) === (peeked?.version ?? 0)) {
      const lane = lanes.list[0]!;
      lane.inFlight = true;
      inFlight.set(lane, Promise.resolve({ ...probed, lane }));
    } else requests++;
  }
  let stoppedBy: PollResult['stoppedBy'] = 'caught-up';
  let failure: { error: unknown } | undefined;
  try {
    // A first run records where it starts, so the next run begins there even if this one finds nothing.
    if (start.fresh) await save();
    for (;;) {
      if (!failure && stoppedBy !== 'deadline' && input.stopAtMs !== undefined && deps.now() >= input.stopAtMs) stoppedBy = 'deadline';
      if (!failure && stoppedBy !== 'deadline') {
        for (const { lane, request } of lanes.startable(settledEstimate())) {
          if (inFlight.size >= concurrency) break;
          const wait = nextStartMs - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          nextStartMs = Date.now() + minGapMs;
          lane.inFlight = true;
          inFlight.set(lane, fetchLanded(lane, request));
        }
      }
      if (inFlight.size === 0) break;
      const landed = await Promise.race(inFlight.values());
      inFlight.delete(landed.lane);
      landed.lane.inFlight = false;
      if (!landed.page) {
        failure ??= { error: landed.error }; // let the others land, then report the first failure
        continue;
      }
      requests++;
      const page = landed.page;
      const settledBefore = settledBeforeOf(page);
      const outcome = lanes.apply(
        landed.lane,
        landed.request,
        page.records.map((r) => versionOf(r, object.key)),
        settledBefore,
      );

      for (const v of outcome.publish) {
        const built = await eventEntryOf(object, v.record, created.changeOf(v), ctx, {
          inlineLimitBytes: input.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT_BYTES,
          payloads: deps.payloads,
        });
        pending.push(built.entry);
        if (built.claimChecked) claimChecked++;
      }
      enqueued += outcome.publish.length;
      pageMarks.push({ end: enqueued, lane: landed.lane, position: outcome.cursor });
      await flush(false);
      if (concurrency > 1) lanes.split(concurrency, settledBefore);
      lanes.prune();
      if (sinceSave >= checkpointEvery) await save();
      deps.onPage?.({ published, requests, watermark: new Date(lanes.safeCursor().watermarkMs).toISOString() });
    }
    if (failure) throw failure.error;
    await flush(true);
    await save();
  } catch (error) {
    // Keep what is published before reporting the failure; the original error is the one to report.
    await Promise.allSettled(inFlight.values());
    await save().catch((saveError: unknown) =>
      deps.log?.warn('Could not save the cursor after a failed run', { object: object.key, error: String(saveError) }),
    );
    throw error;
  } finally {
    await deps.checkpoints.release(key, runId).catch(() => undefined);
  }
  const cursor = savedJson === undefined ? lanes.safeCursor() : (JSON.parse(savedJson) as Cursor);
  deps.log?.info('Poll run finished', {
    object: object.key,
    published,
    requests,
    checkpointWrites,
    stoppedBy,
    watermark: new Date(cursor.watermarkMs).toISOString(),
  });
  return { published, claimChecked, deadLettered, requests, publishCalls, checkpointWrites, cursor, stoppedBy };
}

/**
 * The cursor to save: the lanes' positions and, once Coupa's clock is known and the lanes moved, the
 * `queried` spans with this run's horizon (`horizonMs`, a lower bound). A run that moved nothing
 * saves the cursor it found, unchanged.
 */
function withQueried(start: Cursor, positions: Cursor, horizonMs: number | undefined): Cursor {
  const moved = JSON.stringify(lanePositions(positions)) !== JSON.stringify(lanePositions(start));
  const queried = horizonMs !== undefined && moved ? queriedAfterRun(start, horizonMs - CLOCK_STEP_MARGIN_MS) : start.queried;
  return queried === undefined || queried.length === 0 ? positions : { ...positions, queried };
}

const lanePositions = (cursor: Cursor) =>
  [cursor, ...(cursor.lanes ?? [])].map(({ watermarkMs, doneIds, afterId, endMs }) => [watermarkMs, doneIds, afterId, endMs]);
