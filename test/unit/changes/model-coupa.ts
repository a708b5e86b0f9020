import type { PageRequest, Version } from '../../../shared/changes/plan';

/** A seeded PRNG (mulberry32): scenarios replay exactly from their seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

interface StoredVersion {
  ts: number;
  visibleAt: number;
}

/**
 * Coupa as the change-detection hazards describe it, in memory: whole-second `updated-at`, rows with
 * equal `updated-at` in a fresh random order on every request, a version becoming visible up to `lagMs`
 * after it was saved (until then queries see the previous one), and a server clock the test drives.
 */
export class ModelCoupa {
  nowMs: number;
  private readonly records = new Map<number, StoredVersion[]>();
  private nextId = 1;

  constructor(
    private readonly random: ReturnType<typeof rng>,
    startMs: number,
    private readonly lagMs: number,
  ) {
    this.nowMs = startMs;
  }

  /** Saves a new version of `id` (or a new record) at the current clock, visible within the lag (or at `visibleAt`). */
  save(id?: number, at = this.nowMs, visibleAt = at + this.random.int(this.lagMs + 1)): number {
    const key = id ?? this.nextId++;
    const versions = this.records.get(key) ?? [];
    versions.push({ ts: Math.floor(at / 1000) * 1000, visibleAt });
    this.records.set(key, versions);
    return key;
  }

  ids(): number[] {
    return [...this.records.keys()];
  }

  /** The version a query sees now. */
  visible(id: number): StoredVersion | undefined {
    return this.records
      .get(id)!
      .filter((v) => v.visibleAt <= this.nowMs)
      .at(-1);
  }

  /** When the record was created: its first version's second. */
  createdAt(id: number): number {
    return this.records.get(id)![0]!.ts;
  }

  /** The latest version, visible or not. */
  current(id: number): StoredVersion {
    return this.records.get(id)!.at(-1)!;
  }

  query(request: PageRequest, pageSize: number): Version<null>[] {
    const rows: Version<null>[] = [];
    for (const id of this.records.keys()) {
      const v = this.visible(id);
      if (!v) continue;
      const ok =
        request.kind === 'range'
          ? v.ts >= request.fromMs && v.ts < request.toMs
          : v.ts >= request.atMs && v.ts < request.atMs + 1000 && id > request.afterId;
      if (ok) rows.push({ id, updatedAtMs: v.ts, record: null });
    }
    const shuffle = new Map(rows.map((r) => [r.id, this.random.next()]));
    rows.sort((a, b) => (request.kind === 'tie' ? a.id - b.id : a.updatedAtMs - b.updatedAtMs || shuffle.get(a.id)! - shuffle.get(b.id)!));
    return rows.slice(0, pageSize);
  }
}
