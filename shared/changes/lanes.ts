import { floorSecond, type Cursor, type LaneCursor } from './cursor';
import { applyPage, laneComplete, nextRequest, type PageOutcome, type PageRequest, type Version } from './plan';

/** A lane's position without its end (the end belongs to the lane and moves when it is split). */
type Position = Omit<LaneCursor, 'endMs'>;

/**
 * One contiguous time range of a backlog, paged on its own. `live` is where paging stands; `safe` is
 * where every event of the lane is out, the only position a checkpoint may claim.
 */
export class Lane {
  live: Position;
  safe: Position;
  inFlight = false;
  /** The lane's last page answered everything it can answer this run. */
  caughtUp = false;
  /** The lane's last page was full: it has a backlog worth sharing with a new lane. */
  backlog = false;

  constructor(
    position: Position,
    public endMs: number | undefined,
  ) {
    this.live = position;
    this.safe = position;
  }

  withEnd(position: Position): LaneCursor {
    return this.endMs === undefined ? position : { ...position, endMs: this.endMs };
  }
}

const positionOf = ({ watermarkMs, doneIds, afterId }: LaneCursor): Position =>
  afterId === undefined ? { watermarkMs, doneIds } : { watermarkMs, doneIds, afterId };

/**
 * The lanes of one poller, in time order. The last lane is open-ended. What is published is, per lane,
 * `[previous lane's end, its watermark)` plus its ids at the watermark; a finished lane is dropped and
 * the next lane's range then starts where the finished one started. Pure: runPoll does the I/O.
 */
export class Lanes {
  private constructor(readonly list: Lane[]) {}

  static fromCursor(cursor: Cursor): Lanes {
    const { lanes = [], version: _version, ...head } = cursor;
    return new Lanes([head, ...lanes].map((l) => new Lane(positionOf(l), l.endMs)));
  }

  /** One request for every idle lane that has something settled to ask for. */
  startable(settledBeforeMs: number): { lane: Lane; request: PageRequest }[] {
    const out: { lane: Lane; request: PageRequest }[] = [];
    for (const lane of this.list) {
      if (lane.inFlight || lane.caughtUp) continue;
      const request = nextRequest(lane.withEnd(lane.live), settledBeforeMs);
      if (request) out.push({ lane, request });
      else lane.caughtUp = true;
    }
    return out;
  }

  /** Folds a page into its lane; rows past the lane's end (it may have been split meanwhile) are not its own. */
  apply<R>(
    lane: Lane,
    request: PageRequest,
    rows: readonly Version<R>[],
    settledBeforeMs: number,
    pageSize?: number,
  ): PageOutcome<R, LaneCursor> {
    const limit = Math.min(settledBeforeMs, lane.endMs ?? Number.POSITIVE_INFINITY);
    const outcome = applyPage(lane.withEnd(lane.live), request, rows, limit, pageSize);
    lane.live = positionOf(outcome.cursor);
    lane.backlog = outcome.more && rows.length >= (pageSize ?? 50);
    lane.caughtUp = !outcome.more || laneComplete(lane.withEnd(lane.live));
    return outcome;
  }

  /** Records that every event of `lane` up to `position` is out. */
  markSafe(lane: Lane, position: LaneCursor): void {
    lane.safe = positionOf(position);
  }

  /**
   * Gives half of the busiest idle lane's remaining range to a new lane, when fewer than `maxLanes`
   * lanes still work and one has a backlog. Returns the new lane.
   */
  split(maxLanes: number, settledBeforeMs: number): Lane | undefined {
    const working = this.list.filter((l) => !l.caughtUp).length;
    if (working >= maxLanes) return undefined;
    let best: { lane: Lane; at: number; span: number } | undefined;
    for (const lane of this.list) {
      if (lane.inFlight || lane.caughtUp || !lane.backlog || lane.live.afterId !== undefined) continue;
      const end = Math.min(lane.endMs ?? Number.POSITIVE_INFINITY, floorSecond(settledBeforeMs));
      const at = floorSecond((lane.live.watermarkMs + end) / 2);
      if (at > lane.live.watermarkMs && at < end && (!best || end - lane.live.watermarkMs > best.span)) {
        best = { lane, at, span: end - lane.live.watermarkMs };
      }
    }
    if (!best) return undefined;
    const added = new Lane({ watermarkMs: best.at, doneIds: [] }, best.lane.endMs);
    added.backlog = true;
    best.lane.endMs = best.at;
    this.list.splice(this.list.indexOf(best.lane) + 1, 0, added);
    return added;
  }

  /** Nothing in flight and nothing left to ask this run. */
  idle(): boolean {
    return this.list.every((l) => !l.inFlight && l.caughtUp);
  }

  /** The checkpoint: every lane at its safe position; lanes whose whole range is out are dropped. */
  safeCursor(): Cursor {
    const open = this.list.filter((l) => !laneComplete(l.withEnd(l.safe)));
    const [head, ...rest] = open.map((l) => l.withEnd(l.safe));
    return rest.length === 0 ? { version: 1, ...head! } : { version: 1, ...head!, lanes: rest };
  }

  /** Drops lanes whose range is out, so their ends stop limiting the lanes after them. */
  prune(): void {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const lane = this.list[i]!;
      if (!lane.inFlight && laneComplete(lane.withEnd(lane.safe)) && laneComplete(lane.withEnd(lane.live))) this.list.splice(i, 1);
    }
  }
}
