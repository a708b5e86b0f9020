import type { Data } from './generator';
import { isoUtc } from './time-zone';

/**
 * One object's records. Each write stores a new immutable version; a version becomes visible to queries
 * at its `visibleAtMs` (commit lag), until then readers see the previous one. Visible versions are kept
 * in an index sorted by (updated-at, tie, id) so that the pollers' query — `updated_at[gt]=…` ordered by
 * updated-at — is a binary search plus a slice, even over 100,000 records.
 */

export interface RecordState {
  readonly id: number;
  readonly version: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** Seeded per (id, version): orders rows with equal sort values in no id order. */
  readonly tie: number;
  /** Stored data; undefined while the record is still exactly as generated from the seed. */
  readonly data: Data | undefined;
  /** Parent ids by parent catalog key (nested paths). */
  readonly links: Readonly<Record<string, number>>;
  /** Position among its parent's initial children (generated `line-num`), 1-based. */
  readonly ordinal?: number;
  readonly deleted: boolean;
}

/** One stored version, as `control.history()` reports it. */
export interface RecordVersion {
  readonly object: string;
  readonly id: number;
  readonly version: number;
  readonly change: 'created' | 'updated' | 'deleted';
  /** Canonical UTC, whole seconds: `2026-11-27T08:00:00Z`. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** When the version was written (simulator clock) and when queries could first see it. */
  readonly storedAtMs: number;
  readonly visibleAtMs: number;
}

interface StoredVersion {
  readonly state: RecordState;
  readonly storedAtMs: number;
  readonly visibleAtMs: number;
}

export const compareStates = (a: RecordState, b: RecordState): number => a.updatedAtMs - b.updatedAtMs || a.tie - b.tie || a.id - b.id;

export class ObjectStore {
  /** Counts changes to what queries see (a version made visible): render caches are valid for one revision. */
  revision = 0;
  private readonly visible = new Map<number, RecordState>();
  /** Latest written versions not visible yet (deleted ones included); other heads are the visible versions. */
  private readonly unseenHeads = new Map<number, RecordState>();
  private index: RecordState[] = [];
  /** Versions waiting for their visibility time, in write order. */
  private pending: StoredVersion[] = [];
  /** The generated records are the first versions; kept as they are to save memory at 100k records. */
  private readonly initial: readonly RecordState[];
  private readonly versions: StoredVersion[] = [];
  private readonly children = new Map<string, Map<number, Set<number>>>();
  private idOrderDirty = false;
  private maxVisibleId = 0;
  private nextIdValue: number;

  constructor(
    readonly key: string,
    initial: readonly RecordState[],
  ) {
    this.initial = initial;
    for (const s of initial) {
      this.visible.set(s.id, s);
      this.linkChildren(s, true);
      this.maxVisibleId = Math.max(this.maxVisibleId, s.id);
    }
    this.index = [...initial].sort(compareStates);
    this.nextIdValue = this.maxVisibleId + 1;
  }

  allocateId(): number {
    return this.nextIdValue++;
  }

  get size(): number {
    return this.visible.size;
  }

  /** The version queries see now. */
  getVisible(id: number): RecordState | undefined {
    return this.visible.get(id);
  }

  /** The latest version written, visible or not (what the next write builds on). */
  getHead(id: number): RecordState | undefined {
    const unseen = this.unseenHeads.get(id);
    if (unseen) return unseen.deleted ? undefined : unseen;
    return this.visible.get(id);
  }

  /** The latest written version of every record, by id. */
  heads(): RecordState[] {
    const out = [...this.visible.values()].filter((s) => !this.unseenHeads.has(s.id));
    for (const s of this.unseenHeads.values()) if (!s.deleted) out.push(s);
    return out.sort((a, b) => a.id - b.id);
  }

  /** Visible records by id. */
  byId(dir: 'asc' | 'desc'): RecordState[] | IterableIterator<RecordState> {
    if (this.idOrderDirty) this.resortById();
    return dir === 'asc' ? this.visible.values() : [...this.visible.values()].reverse();
  }

  /** Visible records in (updated-at, tie, id) order. */
  get sortedByUpdatedAt(): readonly RecordState[] {
    return this.index;
  }

  /** First index position whose updated-at is ≥ `ms` (or > `ms` when `strict`). */
  lowerBound(ms: number, strict = false): number {
    let lo = 0;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.index[mid]!.updatedAtMs;
      if (v < ms || (strict && v === ms)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Ids of visible children under a parent (`purchase_order_lines` of PO 7). */
  childIds(parentKey: string, parentId: number): number[] {
    const ids = this.children.get(parentKey)?.get(parentId);
    return ids ? [...ids].sort((a, b) => a - b) : [];
  }

  /** Stores a version; it becomes visible at `visibleAtMs` (now, unless a commit lag applies). */
  write(state: RecordState, storedAtMs: number, visibleAtMs: number): void {
    const stored = { state, storedAtMs, visibleAtMs };
    this.versions.push(stored);
    if (visibleAtMs <= storedAtMs) {
      this.unseenHeads.delete(state.id);
      this.makeVisible(state);
    } else {
      this.unseenHeads.set(state.id, state);
      this.pending.push(stored);
    }
  }

  /** Makes every pending version whose time has come visible; call before serving a request. */
  commitDue(nowMs: number): void {
    if (this.pending.length === 0) return;
    const due = this.pending.filter((p) => p.visibleAtMs <= nowMs).sort((a, b) => a.visibleAtMs - b.visibleAtMs);
    if (due.length === 0) return;
    this.pending = this.pending.filter((p) => p.visibleAtMs > nowMs);
    for (const p of due) {
      if (this.unseenHeads.get(p.state.id) === p.state) this.unseenHeads.delete(p.state.id);
      this.makeVisible(p.state);
    }
  }

  history(): RecordVersion[] {
    const initial = this.initial.map((state) => ({ state, storedAtMs: state.updatedAtMs, visibleAtMs: state.updatedAtMs }));
    return [...initial, ...this.versions].map(({ state, storedAtMs, visibleAtMs }) => ({
      object: this.key,
      id: state.id,
      version: state.version,
      change: state.deleted ? 'deleted' : state.version === 1 && state.createdAtMs === state.updatedAtMs ? 'created' : 'updated',
      createdAt: isoUtc(state.createdAtMs),
      updatedAt: isoUtc(state.updatedAtMs),
      createdAtMs: state.createdAtMs,
      updatedAtMs: state.updatedAtMs,
      storedAtMs,
      visibleAtMs,
    }));
  }

  private makeVisible(state: RecordState): void {
    this.revision += 1;
    const old = this.visible.get(state.id);
    // A later version may already be visible (shorter lag): never go back.
    if (old && old.version > state.version) return;
    if (old) {
      this.removeFromIndex(old);
      this.linkChildren(old, false);
    }
    if (state.deleted) {
      this.visible.delete(state.id);
      return;
    }
    if (!old && state.id < this.maxVisibleId) this.idOrderDirty = true;
    this.maxVisibleId = Math.max(this.maxVisibleId, state.id);
    this.visible.set(state.id, state);
    this.insertIntoIndex(state);
    this.linkChildren(state, true);
  }

  private insertIntoIndex(state: RecordState): void {
    this.index.splice(this.position(state), 0, state);
  }

  private removeFromIndex(state: RecordState): void {
    const at = this.position(state);
    if (this.index[at] === state) this.index.splice(at, 1);
    else {
      const found = this.index.indexOf(state);
      if (found >= 0) this.index.splice(found, 1);
    }
  }

  private position(state: RecordState): number {
    let lo = 0;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareStates(this.index[mid]!, state) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private linkChildren(state: RecordState, add: boolean): void {
    for (const [parentKey, parentId] of Object.entries(state.links)) {
      let byParent = this.children.get(parentKey);
      if (!byParent) {
        byParent = new Map();
        this.children.set(parentKey, byParent);
      }
      let ids = byParent.get(parentId);
      if (!ids) {
        ids = new Set();
        byParent.set(parentId, ids);
      }
      if (add) ids.add(state.id);
      else ids.delete(state.id);
    }
  }

  private resortById(): void {
    const sorted = [...this.visible.values()].sort((a, b) => a.id - b.id);
    this.visible.clear();
    for (const s of sorted) this.visible.set(s.id, s);
    this.idOrderDirty = false;
  }
}
