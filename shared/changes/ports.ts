import type { CoupaEventEntry, DataRef } from '../events';
import type { Cursor } from './cursor';
import type { PageRequest } from './plan';

/** A page of records as Coupa returned them, with Coupa's clock from the response `Date` header. */
export interface RecordPage {
  readonly records: readonly Record<string, unknown>[];
  /** Coupa's clock when it answered (epoch ms), when the response said. */
  readonly serverTimeMs?: number;
}

/** How a page fetch is bounded. */
export interface FetchPageOptions {
  /** Epoch ms by which the request, retries included, must have ended (failing with a retryable error). */
  readonly deadlineMs?: number;
}

/** Fetches one planned page of an object's records from Coupa. */
export interface RecordSource {
  fetchPage(request: PageRequest, options?: FetchPageOptions): Promise<RecordPage>;
}

/** The stored state of one poller: its cursor and an optimistic-concurrency version. */
export interface Checkpoint {
  readonly cursor: Cursor;
  readonly version: number;
}

/**
 * Where cursors live. A run takes a lease first, so two runs for the same object never overlap; every
 * save is conditional on holding the lease and on the version read, so a run that lost its lease can
 * neither advance the cursor nor keep publishing.
 */
export interface CheckpointStore {
  /**
   * Takes the lease for `key` until `leaseUntilMs` unless another owner holds an unexpired one (then
   * throws `CheckpointConflictError`). Returns the stored checkpoint, if any.
   */
  acquire(key: string, owner: string, leaseUntilMs: number, nowMs: number): Promise<Checkpoint | undefined>;
  /** Saves `cursor` if `owner` still holds the lease and the version is `expectedVersion`; returns the new version. */
  save(key: string, owner: string, cursor: Cursor, expectedVersion: number, leaseUntilMs: number): Promise<number>;
  /** Gives the lease back (best effort: it also expires by itself). */
  release(key: string, owner: string): Promise<void>;
  /**
   * Reads the stored checkpoint without taking the lease: a run looks first, and takes the lease only to
   * publish. May be stale (an eventually consistent read): callers publish only from what `acquire` returns.
   */
  peek(key: string): Promise<Checkpoint | undefined>;
  /**
   * Saves `cursor` without the lease, for a run that published nothing: only while no other run holds
   * an unexpired lease and the version is still `expectedVersion` (else `CheckpointConflictError`).
   * Returns the new version.
   */
  advance(key: string, cursor: Cursor, expectedVersion: number, nowMs: number): Promise<number>;
}

/** Thrown when another run holds the lease or moved the checkpoint on. */
export class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflict';
}

/**
 * Puts events on the bus. Resolves once every entry is delivered or, for entries the bus refuses for
 * good, handed to a dead-letter destination with the reason. Rejects when it can do neither; the caller
 * then stops without advancing its cursor.
 */
export interface EventPublisher {
  publish(entries: readonly CoupaEventEntry[]): Promise<PublishReport>;
}

export interface PublishReport {
  readonly delivered: number;
  readonly deadLettered: number;
  /** Requests made to the bus (PutEvents calls or lines written). */
  readonly calls: number;
}

/** A key prefix as payload stores apply it: empty, or ending in `/`. */
export const normalizePayloadPrefix = (prefix = ''): string => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);

/** Stores records too large to travel inline, and files (claim check). */
export interface PayloadStore {
  /** Stores JSON text (`application/json`). */
  put(key: string, body: string): Promise<DataRef>;
  /** Stores a file's bytes under their content type (e.g. an image scan the `request` action fetched). */
  putBytes(key: string, bytes: Uint8Array, contentType: string): Promise<DataRef>;
}
