import type { ApiHooks } from './api';
import type { OAuthServer } from './auth';
import type { SimClock } from './clock';
import type { Database } from './database';
import { ApiError } from './errors';
import type { Fault, FaultQueue } from './faults';
import type { Data } from './generator';
import type { RateLimit, RateLimiter } from './rate-limiter';
import type { Renderer } from './render';
import { queryRecord, type RequestLog, type RequestLogEntry } from './request-log';
import type { RecordState, RecordVersion } from './store';
import type { RecordService } from './record-service';

/**
 * What tests use to watch and steer the simulator: the request log, the stored truth (every version),
 * edits behind the client's back (concurrent edits, mass updates, late visibility), faults, token
 * revocation, the clock. Also served over HTTP under `/__sim` (see control-http.ts and README.md).
 */

export interface EditOptions {
  /** updated-at to stamp, epoch ms (default: the simulator clock); truncated to whole seconds. */
  readonly at?: number;
  /** The version becomes visible to queries this long after it is saved (default: the global lag). */
  readonly visibleAfterMs?: number;
}

export interface ConcurrentEditsConfig {
  /** Catalog key of the object to edit. */
  readonly object: string;
  /** Edit on list requests number N, 2N, 3N… for that object (counted from when this is set). */
  readonly everyNthListRequest: number;
  /** How many records to edit each time: the oldest by updated-at, so they move to the end. */
  readonly count: number;
}

export interface ListRequestInfo {
  readonly objectKey: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  /** 1-based count of list requests for this object since start (or `resetRequestLog`). */
  readonly listRequestNumber: number;
}

export type ListRequestHook = (info: ListRequestInfo, control: SimulatorControl) => void | Promise<void>;

export interface SimulatorControl {
  readonly clock: SimClock;
  /** Every request received (not `/__sim`), oldest first. */
  readonly requests: readonly RequestLogEntry[];
  resetRequestLog(): void;

  injectFaults(faults: readonly Fault[]): void;
  clearFaults(): void;
  pendingFaults(): Fault[];
  /** Every access and refresh token issued so far becomes invalid (→ 401). */
  revokeTokens(): void;
  /** A code for `grant_type=authorization_code`, as if a user had approved in the browser. */
  issueAuthorizationCode(scopes?: string | readonly string[], redirectUri?: string): string;
  /** The scope lists granted by the token endpoint, in order. */
  grantedScopes(): string[][];

  /** Catalog keys. */
  objects(): string[];
  /** Latest stored version of every record (visible or not yet), canonical form (UTC datetimes). */
  list(objectKey: string): Data[];
  get(objectKey: string, id: number): Data | undefined;
  /** Every version ever stored, in write order (initial records first). */
  history(objectKey: string): RecordVersion[];
  /** Creates a record as the API would (validation included); returns it in canonical form. */
  create(objectKey: string, data: Data, options?: EditOptions): Data;
  /** Updates a record as the API would; returns it in canonical form. */
  update(objectKey: string, id: number, patch: Data, options?: EditOptions): Data;
  /** Saves new versions of records without changing their data (a mass update: one updated-at for all). */
  touch(objectKey: string, ids: readonly number[], options?: EditOptions): void;

  /** Called before every list request is evaluated; undefined removes it. */
  onListRequest(hook: ListRequestHook | undefined): void;
  /** Edits records while a client pages; undefined stops it. */
  concurrentEdits(config: ConcurrentEditsConfig | undefined): void;
  /** Commit lag for every later write: a version saved at T is visible to queries from T + ms. */
  setVisibilityLagMs(ms: number): void;
  setLatencyMs(ms: number): void;
  /** Replaces the rate limit, buckets full: per client (default), per token or one for the instance (`scope`); false turns it off. */
  setRateLimit(limit: RateLimit | false): void;
  setEnforceScopes(enabled: boolean): void;
}

export interface ControlDeps {
  readonly db: Database;
  readonly renderer: Renderer;
  readonly records: RecordService;
  readonly clock: SimClock;
  readonly log: RequestLog;
  readonly faults: FaultQueue;
  readonly oauth: OAuthServer;
  readonly rateLimiter: RateLimiter;
  /** Mutable server settings. */
  readonly settings: { latencyMs: number; enforceScopes: boolean };
}

const canonical = { mode: 'default' as const, time: (iso: string) => iso };

export class Control implements SimulatorControl, ApiHooks {
  private hook: ListRequestHook | undefined;
  private edits: ConcurrentEditsConfig | undefined;
  private editsSeen = 0;
  private readonly listCounts = new Map<string, number>();

  constructor(private readonly deps: ControlDeps) {}

  get clock(): SimClock {
    return this.deps.clock;
  }

  get requests(): readonly RequestLogEntry[] {
    return this.deps.log.entries;
  }

  resetRequestLog(): void {
    this.deps.log.reset();
    this.listCounts.clear();
  }

  injectFaults(faults: readonly Fault[]): void {
    this.deps.faults.inject(faults);
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  pendingFaults(): Fault[] {
    return this.deps.faults.pending();
  }

  revokeTokens(): void {
    this.deps.oauth.revokeAll();
  }

  issueAuthorizationCode(scopes: string | readonly string[] = [], redirectUri?: string): string {
    const list = typeof scopes === 'string' ? scopes.split(/\s+/).filter(Boolean) : [...scopes];
    return this.deps.oauth.issueAuthorizationCode(list, redirectUri);
  }

  grantedScopes(): string[][] {
    return this.deps.oauth.grantedScopes.map((s) => [...s]);
  }

  objects(): string[] {
    return this.deps.db.keys();
  }

  list(objectKey: string): Data[] {
    const store = this.deps.db.store(objectKey);
    return store.heads().map((s) => this.canonical(objectKey, s));
  }

  get(objectKey: string, id: number): Data | undefined {
    const state = this.deps.db.store(objectKey).getHead(id);
    return state ? this.canonical(objectKey, state) : undefined;
  }

  history(objectKey: string): RecordVersion[] {
    return this.deps.db.store(objectKey).history();
  }

  create(objectKey: string, data: Data, options: EditOptions = {}): Data {
    const model = this.deps.db.model(objectKey);
    const state = withPlainErrors(() => this.deps.records.create(model, data, options));
    return this.canonical(objectKey, state);
  }

  update(objectKey: string, id: number, patch: Data, options: EditOptions = {}): Data {
    const model = this.deps.db.model(objectKey);
    const state = withPlainErrors(() => this.deps.records.update(model, id, patch, options));
    return this.canonical(objectKey, state);
  }

  touch(objectKey: string, ids: readonly number[], options: EditOptions = {}): void {
    const model = this.deps.db.model(objectKey);
    const at = options.at ?? this.deps.clock.now(); // one instant for the whole batch
    for (const id of ids) this.deps.records.touch(model, id, { ...options, at });
  }

  onListRequest(hook: ListRequestHook | undefined): void {
    this.hook = hook;
  }

  concurrentEdits(config: ConcurrentEditsConfig | undefined): void {
    if (config) {
      this.deps.db.model(config.object); // fail fast on an unknown object
      if (!(config.everyNthListRequest >= 1) || !(config.count >= 0)) throw new Error('everyNthListRequest must be ≥ 1 and count ≥ 0');
    }
    this.edits = config;
    this.editsSeen = 0;
  }

  setVisibilityLagMs(ms: number): void {
    this.deps.db.visibilityLagMs = Math.max(0, ms);
  }

  setLatencyMs(ms: number): void {
    this.deps.settings.latencyMs = Math.max(0, ms);
  }

  setRateLimit(limit: RateLimit | false): void {
    this.deps.rateLimiter.configure(limit);
  }

  setEnforceScopes(enabled: boolean): void {
    this.deps.settings.enforceScopes = enabled;
  }

  /** ApiHooks: runs the list hook and the concurrent-edit rule before a list query. */
  async beforeList(key: string, params: URLSearchParams): Promise<void> {
    const listRequestNumber = (this.listCounts.get(key) ?? 0) + 1;
    this.listCounts.set(key, listRequestNumber);
    if (this.hook) await this.hook({ objectKey: key, query: queryRecord(params), listRequestNumber }, this);
    const edits = this.edits;
    if (edits && edits.object === key) {
      this.editsSeen += 1;
      if (this.editsSeen % edits.everyNthListRequest === 0) {
        this.deps.db.commitDue();
        const oldest = this.deps.db
          .store(key)
          .sortedByUpdatedAt.slice(0, edits.count)
          .map((s) => s.id);
        this.touch(key, oldest);
      }
    }
  }

  private canonical(objectKey: string, state: RecordState): Data {
    return this.deps.renderer.record(objectKey, state, canonical);
  }
}

/** Control callers get ordinary errors with the validation messages. */
function withPlainErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ApiError) throw new Error(`Invalid ${e.model}: ${e.messages.join('; ')}`);
    throw e;
  }
}
