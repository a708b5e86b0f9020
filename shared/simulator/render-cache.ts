import type { Database } from './database';
import type { Data } from './generator';
import type { RecordState } from './store';

/**
 * What the API renders again and again, kept per record version: the associations records point at
 * (one user or currency shows up in thousands of records) and whole records as UTF-8 JSON (a poller's
 * lanes and retries read the same page twice; bytes, so that an answer is a concatenation of buffers).
 *
 * A rendered record also shows other records (associations, owned children), so every entry is valid
 * for one database revision only: any version becoming visible, anywhere, empties the cache. Entries
 * are shared between answers, so only output that is serialized at once may come from here (the API's,
 * never the control interface's, whose callers get objects they may change).
 */
export class RenderCache {
  private revision = -1;
  private summaries = new Map<RecordState, Map<string, Data>>();
  private summaryCount = 0;
  /** One entry per version, in one return type: a shallow read replaces a default one. */
  private jsons = new Map<RecordState, { readonly mode: string; readonly json: Buffer }>();
  private jsonBytes = 0;

  constructor(
    private readonly db: Database,
    /** Bounds the JSON kept (the oldest entries go first). */
    private readonly maxJsonBytes = 64 * 1024 * 1024,
    private readonly maxSummaries = 50_000,
  ) {}

  /** An association's rendered summary as the definition `definition` shows it. */
  summary(definition: string, state: RecordState): Data | undefined {
    this.sync();
    return this.summaries.get(state)?.get(definition);
  }

  setSummary(definition: string, state: RecordState, summary: Data): void {
    this.sync();
    if (this.summaryCount >= this.maxSummaries) this.clearSummaries();
    let byDefinition = this.summaries.get(state);
    if (!byDefinition) {
      byDefinition = new Map();
      this.summaries.set(state, byDefinition);
    }
    byDefinition.set(definition, summary);
    this.summaryCount += 1;
  }

  /** A whole record's JSON in one return type (`mode`), if rendered at this revision. */
  json(mode: string, state: RecordState): Buffer | undefined {
    this.sync();
    const entry = this.jsons.get(state);
    return entry?.mode === mode ? entry.json : undefined;
  }

  setJson(mode: string, state: RecordState, json: Buffer): void {
    this.sync();
    const previous = this.jsons.get(state);
    if (previous !== undefined) this.jsonBytes -= previous.json.length;
    this.jsons.delete(state); // re-inserted last: eviction goes by insertion order
    this.jsons.set(state, { mode, json });
    this.jsonBytes += json.length;
    for (const [oldest, entry] of this.jsons) {
      if (this.jsonBytes <= this.maxJsonBytes) break;
      this.jsons.delete(oldest);
      this.jsonBytes -= entry.json.length;
    }
  }

  private sync(): void {
    const revision = this.db.revision;
    if (revision === this.revision) return;
    this.revision = revision;
    this.clearSummaries();
    this.jsons = new Map();
    this.jsonBytes = 0;
  }

  private clearSummaries(): void {
    this.summaries = new Map();
    this.summaryCount = 0;
  }
}
