import type { Database } from './database';
import type { Data } from './generator';
import type { RecordState } from './store';

/**
 * What the API renders again and again, kept per record version: the associations records point at
 * (one user or currency shows up in thousands of records). Whole records are not kept: holding their
 * JSON (64 MB of it) made first reads, a backfill's, 15-30% slower, while a poller reads most records
 * once.
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

  constructor(
    private readonly db: Database,
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

  private sync(): void {
    const revision = this.db.revision;
    if (revision === this.revision) return;
    this.revision = revision;
    this.clearSummaries();
  }

  private clearSummaries(): void {
    this.summaries = new Map();
    this.summaryCount = 0;
  }
}
