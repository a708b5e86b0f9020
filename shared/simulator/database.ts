import type { SimClock } from './clock';
import { toWholeSecond } from './clock';
import { RecordGenerator, type Data, type GeneratorWorld, type RecordSeed } from './generator';
import { LruCache } from './lru-cache';
import { ModelRegistry, type ObjectModel } from './model';
import { ReferencePools, type PoolEntity } from './pools';
import { hashString, mix } from './random';
import { isMetaProperty } from './schema';
import { ObjectStore, type RecordState } from './store';
import { isoUtc } from './time-zone';

/**
 * All objects' stores plus what they share: the models, reference pools, the generator and the clock.
 * Records start as pure (id, timestamps, parent links) states; their data is generated when read and
 * only stored once written.
 */

export interface SaveOptions {
  /** Full new data (stored form); omitted = keep the previous data (a touch). */
  readonly data?: Data;
  /** The updated-at to stamp (default: now); whole seconds like Coupa. */
  readonly at?: number;
  readonly links?: Readonly<Record<string, number>>;
  /** Overrides the global visibility lag for this version. */
  readonly visibleAfterMs?: number;
  readonly deleted?: boolean;
}

const DAY_S = 86_400;
/** Shared by every record without parents (most of them): saves an object per record at 100k. */
const NO_LINKS: Readonly<Record<string, number>> = Object.freeze({});

export type ResolvedRef =
  | { readonly kind: 'record'; readonly key: string; readonly state: RecordState }
  | { readonly kind: 'pool'; readonly definition: string; readonly entity: PoolEntity };

export class Database implements GeneratorWorld {
  readonly models: ModelRegistry;
  readonly pools = new ReferencePools();
  readonly generator: RecordGenerator;
  /** Commit lag applied to every write: a version saved at T is visible from T + lag. */
  visibilityLagMs = 0;
  private readonly stores = new Map<string, ObjectStore>();
  private readonly counts = new Map<string, number>();
  private readonly generated = new LruCache<string, Data>(2000);
  private readonly keyHashes = new Map<string, number>();

  constructor(
    private readonly seed: number,
    records: number | Readonly<Record<string, number>>,
    private readonly clock: SimClock,
    models = new ModelRegistry(),
  ) {
    this.models = models;
    this.generator = new RecordGenerator(this, seed);
    for (const model of models.all()) {
      const count = typeof records === 'number' ? records : (records[model.key] ?? 20);
      this.counts.set(model.key, Math.max(0, Math.floor(count)));
    }
    const startMs = toWholeSecond(clock.now());
    for (const model of models.all()) this.stores.set(model.key, new ObjectStore(model.key, this.initialStates(model, startMs)));
  }

  initialCount(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  keys(): string[] {
    return [...this.stores.keys()];
  }

  store(key: string): ObjectStore {
    const store = this.stores.get(key);
    if (!store) throw new Error(`Unknown object ${key}`);
    return store;
  }

  model(key: string): ObjectModel {
    const model = this.models.get(key);
    if (!model) throw new Error(`Unknown object ${key}`);
    return model;
  }

  now(): number {
    return this.clock.now();
  }

  /** Changes whenever what the API shows may change: a version made visible anywhere, or a pool entity added. */
  get revision(): number {
    let revision = this.pools.added;
    for (const store of this.stores.values()) revision += store.revision;
    return revision;
  }

  /** Makes due versions visible in every store. */
  commitDue(): void {
    const now = this.clock.now();
    for (const store of this.stores.values()) store.commitDue(now);
  }

  /** What an association pointer (`{id}`) of a property declared as `definition` points at, if it exists. */
  resolvePointer(definition: string, pointer: unknown): ResolvedRef | undefined {
    if (pointer === null || typeof pointer !== 'object') return undefined;
    const id = Number((pointer as Data).id);
    if (!Number.isInteger(id)) return undefined;
    const key = this.models.catalogKeyOf(definition);
    if (key) {
      const state = this.store(key).getVisible(id);
      return state ? { kind: 'record', key, state } : undefined;
    }
    const entity = this.pools.get(definition, id);
    return entity ? { kind: 'pool', definition, entity } : undefined;
  }

  /**
   * The record's stored-form data (meta excluded). Generated data is never stored; it is cached when
   * `remember` (associations: few records, read often), not when a record is read for its own answer
   * (a backfill reads each record once, and caching thousands would only feed the garbage collector).
   */
  dataOf(key: string, state: RecordState, remember = true): Data {
    if (state.data) return state.data;
    const cacheKey = `${key}:${state.id}`;
    let data = this.generated.get(cacheKey);
    if (!data) {
      data = this.generator.record(this.seedOf(key, state));
      if (remember) this.generated.set(cacheKey, data);
    }
    return data;
  }

  /** One attribute in stored form, generated alone when the record was never written (fast filters). */
  attribute(key: string, state: RecordState, name: string): unknown {
    if (name === 'id') return state.id;
    if (name === 'created-at') return isoUtc(state.createdAtMs);
    if (name === 'updated-at') return isoUtc(state.updatedAtMs);
    if (state.data) return state.data[name];
    const cached = this.generated.get(`${key}:${state.id}`);
    if (cached) return cached[name];
    const prop = this.model(key).schema.properties.get(name);
    if (!prop || isMetaProperty(name)) return undefined;
    return this.generator.property(this.seedOf(key, state), prop);
  }

  /** A private copy of the record's data to change and save. */
  editableData(key: string, state: RecordState): Data {
    return structuredClone(this.dataOf(key, state));
  }

  /** Creates a record (version 1, created-at = updated-at). */
  create(key: string, data: Data, options: Omit<SaveOptions, 'data' | 'deleted'> = {}): RecordState {
    const store = this.store(key);
    const at = toWholeSecond(options.at ?? this.clock.now());
    const id = store.allocateId();
    const state: RecordState = {
      id,
      version: 1,
      createdAtMs: at,
      updatedAtMs: at,
      tie: this.tie(key, id, 1),
      data,
      links: options.links ?? NO_LINKS,
      deleted: false,
    };
    this.write(key, state, options.visibleAfterMs);
    return state;
  }

  /** Saves a new version of an existing record (latest written version + 1). */
  save(key: string, previous: RecordState, options: SaveOptions = {}): RecordState {
    const version = previous.version + 1;
    const state: RecordState = {
      id: previous.id,
      version,
      createdAtMs: previous.createdAtMs,
      updatedAtMs: toWholeSecond(options.at ?? this.clock.now()),
      tie: this.tie(key, previous.id, version),
      data: options.data ?? previous.data,
      links: options.links ?? previous.links,
      ...(previous.ordinal ? { ordinal: previous.ordinal } : {}),
      deleted: options.deleted ?? false,
    };
    this.write(key, state, options.visibleAfterMs);
    return state;
  }

  private write(key: string, state: RecordState, visibleAfterMs: number | undefined): void {
    const now = this.clock.now();
    this.store(key).write(state, now, now + Math.max(0, visibleAfterMs ?? this.visibilityLagMs));
  }

  private seedOf(key: string, state: RecordState): RecordSeed {
    return { key, id: state.id, createdAtMs: state.createdAtMs, links: state.links, ...(state.ordinal ? { ordinal: state.ordinal } : {}) };
  }

  private tie(key: string, id: number, version: number): number {
    let keyHash = this.keyHashes.get(key);
    if (keyHash === undefined) {
      keyHash = hashString(key);
      this.keyHashes.set(key, keyHash);
    }
    return mix(this.seed, keyHash, id, version);
  }

  /**
   * Records 1..n: created up to 60 days ago; a third never changed since, a quarter last touched by one
   * of a few mass updates (many records sharing one second), the rest edited at random times.
   */
  private initialStates(model: ObjectModel, startMs: number): RecordState[] {
    const n = this.initialCount(model.key);
    const batches = Math.max(2, Math.floor(n / 25));
    const states: RecordState[] = new Array(n);
    const primary = model.parents.find((r) => r.always)?.parentKey;
    const siblings = new Map<number, number>();
    for (let id = 1; id <= n; id++) {
      const rng = this.generator.rng(model.key, id, '#times');
      const createdAtMs = startMs - rng.int(3600, 60 * DAY_S) * 1000;
      const r = rng.next();
      let updatedAtMs = createdAtMs;
      if (r >= 0.35 && r < 0.6) {
        const batchAt = startMs - this.generator.rng(model.key, rng.int(0, batches - 1), '#batch').int(60, 30 * DAY_S) * 1000;
        updatedAtMs = Math.max(createdAtMs, batchAt);
      } else if (r >= 0.6) {
        updatedAtMs = createdAtMs + Math.floor((rng.next() * (startMs - 1000 - createdAtMs)) / 1000) * 1000;
      }
      const links = this.initialLinks(model, id);
      const parentId = primary === undefined ? undefined : links[primary];
      const ordinal = parentId === undefined ? undefined : (siblings.get(parentId) ?? 0) + 1;
      if (parentId !== undefined) siblings.set(parentId, ordinal!);
      states[id - 1] = {
        id,
        version: 1,
        createdAtMs,
        updatedAtMs,
        tie: this.tie(model.key, id, 1),
        data: undefined,
        links,
        ...(ordinal ? { ordinal } : {}),
        deleted: false,
      };
    }
    return states;
  }

  private initialLinks(model: ObjectModel, id: number): Readonly<Record<string, number>> {
    if (model.parents.length === 0) return NO_LINKS;
    const links: Record<string, number> = {};
    for (const relation of model.parents) {
      const parents = this.initialCount(relation.parentKey);
      if (parents === 0) continue;
      const rng = this.generator.rng(model.key, id, `#link:${relation.parentKey}`);
      if (relation.always || rng.chance(0.5)) links[relation.parentKey] = rng.int(1, parents);
    }
    return links;
  }
}
