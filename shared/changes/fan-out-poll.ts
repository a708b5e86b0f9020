// Polling an object Coupa serves only under a parent (remit-to addresses at
// /suppliers/{supplier_id}/addresses): no query spans all parents, and a parent's updated-at does not
// move when its children change. So a run sweeps the parents in id order and asks each for its
// children changed in a fixed window [watermark, Coupa's clock − lag). The sweep's position is in the
// cursor (cursor.ts `Sweep`): a run cut off by its deadline, or failing on one parent, resumes at the
// first parent not fully published; the watermark moves only when the sweep has visited every parent.
import type { Logger } from '../logger';
import type { CoupaEventEntry } from '../events';
import { createdAtMsOf } from './created';
import { floorSecond, type Cursor, type Sweep } from './cursor';
import { DEFAULT_INLINE_LIMIT_BYTES, eventEntryOf } from './event-entries';
import { PAGE_SIZE } from './plan';
import type { FetchPageOptions, RecordPage } from './ports';
import type { PollDeps, PollInput, PollResult } from './run-poll';
import { runContextOf } from './run-context';
import { startingCursor } from './starting-cursor';
import { versionOf } from './versions';

/** Up to PAGE_SIZE parent ids after the one asked for, ascending, with Coupa's clock when it answered. */
export interface ParentPage {
  readonly ids: readonly number[];
  readonly serverTimeMs?: number;
}

/** One parent's children with `updated-at` in `[fromMs, toMs)` and id > `afterId`, by id. */
export interface ChildWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly afterId: number;
}

/** The two queries of a fan-out (CoupaFanOutSource). */
export interface FanOutSource {
  /** The parent's catalog key, e.g. `suppliers`. */
  readonly parent: string;
  listParents(afterId: number, options?: FetchPageOptions): Promise<ParentPage>;
  fetchChildren(parentId: number, window: ChildWindow, options?: FetchPageOptions): Promise<RecordPage>;
}

export interface FanOutPollDeps extends Omit<PollDeps, 'records' | 'onPage'> {
  readonly fanOut: FanOutSource;
  readonly log?: Logger;
}

export interface FanOutPollResult extends PollResult {
  /** Parents whose children were fully read in this run. */
  readonly parents: number;
  /** Whether the run finished a sweep (the watermark moved). */
  readonly sweepFinished: boolean;
}

/** One fan-out run: the same contract as runPoll (lease, checkpoints, deadline, events), over parents. */
export async function runFanOutPoll(deps: FanOutPollDeps, input: PollInput): Promise<FanOutPollResult> {
  const { object, runId } = input;
  const { key, lagMs, startedMs, leaseUntil, envelope: ctx } = runContextOf(input, deps.now);
  const fetchOptions = input.requestDeadlineMs === undefined ? {} : { deadlineMs: input.requestDeadlineMs };
  const timeUp = () => input.stopAtMs !== undefined && deps.now() >= input.stopAtMs;

  const acquired = await deps.checkpoints.acquire(key, runId, leaseUntil(), startedMs);
  const start = startingCursor(acquired, key, input, startedMs, deps.log);
  let cursor: Cursor = start.cursor;
  let version = acquired?.version ?? 0;
  let savedJson = start.fresh ? undefined : JSON.stringify(cursor);
  let published = 0,
    claimChecked = 0,
    deadLettered = 0,
    requests = 0,
    publishCalls = 0,
    checkpointWrites = 0,
    parents = 0,
    sweepFinished = false;
  let stoppedBy: PollResult['stoppedBy'] = 'caught-up';

  const save = async (next: Cursor) => {
    cursor = next;
    const json = JSON.stringify(next);
    if (json === savedJson) return;
    version = await deps.checkpoints.save(key, runId, next, version, leaseUntil());
    savedJson = json;
    checkpointWrites++;
  };
  // The instance's rate budget paces every request (the client draws on it); this is only an extra cap.
  const minGapMs = input.maxRequestsPerSecond === undefined ? 0 : 1000 / Math.max(0.1, input.maxRequestsPerSecond);
  let nextStartMs = 0;
  const pace = async () => {
    const wait = nextStartMs - Date.now();
    nextStartMs = Math.max(Date.now(), nextStartMs) + minGapMs;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };

  /** Reads every parent's changed children, `concurrency` parents at once; stops at a failure or the deadline. */
  const childrenOf = async (ids: readonly number[], sweep: Sweep) => {
    const results: (Record<string, unknown>[] | undefined)[] = [];
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (!failure && next < ids.length) {
        const index = next++;
        const records: Record<string, unknown>[] = [];
        let afterId = 0;
        try {
          for (;;) {
            if (timeUp()) return;
            await pace();
            const page = await deps.fanOut.fetchChildren(
              ids[index]!,
              { fromMs: cursor.watermarkMs, toMs: sweep.toMs, afterId },
              fetchOptions,
            );
            requests++;
            records.push(...page.records);
            if (page.records.length < PAGE_SIZE) break;
            afterId = versionOf(page.records[page.records.length - 1]!, object.key).id;
          }
        } catch (error) {
          failure ??= { error };
          return;
        }
        results[index] = records;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency ?? 4, ids.length)) }, worker));
    let done = 0;
    while (done < ids.length && results[done]) done++;
    return { done, records: results.slice(0, done).flat() as Record<string, unknown>[], failure };
  };

  try {
    if (start.fresh) await save(cursor);
    let sweep = cursor.sweep;
    for (;;) {
      if (timeUp()) {
        stoppedBy = 'deadline';
        break;
      }
      await pace();
      const page = await deps.fanOut.listParents(sweep?.afterParentId ?? 0, fetchOptions);
      requests++;
      if (!sweep) {
        // The window ends at Coupa's clock minus the lag, fixed for the whole sweep.
        const toMs = floorSecond((page.serverTimeMs ?? deps.now()) - lagMs);
        if (toMs <= cursor.watermarkMs) break;
        sweep = { toMs, afterParentId: 0 };
      }
      const { done, records, failure } = await childrenOf(page.ids, sweep);
      const entries: CoupaEventEntry[] = [];
      for (const record of records) {
        // Created when made inside this sweep's window: no earlier sweep (whose windows end at its start) saw it.
        const createdMs = createdAtMsOf(record);
        const change = createdMs !== undefined && createdMs >= cursor.watermarkMs ? 'created' : 'updated';
        const built = await eventEntryOf(object, versionOf(record, object.key).record, change, ctx, {
          inlineLimitBytes: input.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT_BYTES,
          payloads: deps.payloads,
        });
        entries.push(built.entry);
        if (built.claimChecked) claimChecked++;
      }
      if (entries.length > 0) {
        const report = await deps.publisher.publish(entries);
        published += report.delivered;
        deadLettered += report.deadLettered;
        publishCalls += report.calls;
      }
      parents += done;
      if (done > 0) sweep = { toMs: sweep.toMs, afterParentId: page.ids[done - 1]! };
      const finished = !failure && done === page.ids.length && page.ids.length < PAGE_SIZE;
      const { sweep: _previous, ...position } = cursor;
      await save(finished ? { version: 1, watermarkMs: sweep.toMs, doneIds: [] } : { ...position, sweep });
      if (failure) throw failure.error;
      if (finished) {
        sweepFinished = true;
        break;
      }
      if (done < page.ids.length) {
        stoppedBy = 'deadline';
        break;
      }
    }
  } finally {
    await deps.checkpoints.release(key, runId).catch(() => undefined);
  }
  deps.log?.info('Poll run finished', {
    object: object.key,
    published,
    requests,
    parents,
    sweepFinished,
    checkpointWrites,
    stoppedBy,
    watermark: new Date(cursor.watermarkMs).toISOString(),
  });
  return { published, claimChecked, deadLettered, requests, publishCalls, checkpointWrites, cursor, stoppedBy, parents, sweepFinished };
}
