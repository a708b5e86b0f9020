import { setTimeout as delay } from 'node:timers/promises';
import { RateBudgetRefusal, type RateBudget, type RateBudgetWait } from '../coupa/rate-budget';
import { MIN_ATTEMPT_MS } from '../coupa/retry';
import { type BucketState, hasSpareRoom } from './bucket';
import type { RateBudgetStore } from './ports';

export interface LeasedRateBudgetOptions {
  readonly store: RateBudgetStore;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default a timer (node:timers/promises) that the signal cancels */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The first request after this long without one is sent without a reservation when the store shows
   * the budget rested (one read, no write): an idle poll run costs no DynamoDB write. 0 turns it off.
   * @default 10000
   */
  readonly idleAfterMs?: number;
  /** Most turns reserved per store write, as ms of the configured rate. @default 250 (5 turns at 20/s) */
  readonly chunkMs?: number;
  /** Told when the store fails; the budget then paces this process alone at the configured rate. */
  readonly onStoreError?: (error: unknown) => void;
}

/** How old a look-ahead read may be when the request comes: the poller asks a few milliseconds after it. */
const LOOK_AHEAD_FRESH_MS = 500;

/** What one process did with its budget, for logs and the bench. */
export interface BudgetStats {
  /** Store writes that reserved turns. */
  reservations: number;
  /** Turns reserved. */
  reserved: number;
  /** Requests sent without a reservation (first of an idle run). */
  spare: number;
  penalties: number;
  storeErrors: number;
}

/**
 * The instance's budget as one process uses it: turns are reserved from the shared store a few at a time
 * (as many as this process used in the last ~`chunkMs`, so a lone backfill costs one write per chunk
 * and an idle one-request run none), then handed to requests in order, each at its slot. Several
 * processes share the rate by reserving slots in turn, first come first served.
 *
 * @example
 * const budget = new LeasedRateBudget({ store: new DynamoRateBudgetStore({ client, tableName, instance: 'acme' }) });
 * const coupa = new CoupaClient({ host, tokenProvider, rateBudget: budget });
 */
export class LeasedRateBudget implements RateBudget {
  readonly stats: BudgetStats = { reservations: 0, reserved: 0, spare: 0, penalties: 0, storeErrors: 0 };
  readonly #store: RateBudgetStore;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #idleAfterMs: number;
  readonly #maxChunk: number;
  readonly #onStoreError: ((error: unknown) => void) | undefined;
  /** Reserved turns: when each may be used (ascending). */
  #turns: number[] = [];
  /** The one reservation in progress; every waiter of this process awaits it. */
  #refill: Promise<void> | undefined;
  /** The shared store said its horizon is full until then. */
  #notBeforeMs = 0;
  /** A 429 seen by this process: nothing before then, whatever the store says. */
  #blockedUntilMs = 0;
  /** Without the store: the next turn this process paces itself. */
  #localNextMs = 0;
  #lastAcquireMs = Number.NEGATIVE_INFINITY;
  /** When the last requests asked, for the chunk size (at most a second's worth). */
  #recent: number[] = [];
  #waiting = 0;
  /** A store read started by lookAhead, for the next idle first request. */
  #lookAhead: { readonly atMs: number; readonly state: Promise<BucketState> } | undefined;

  constructor(options: LeasedRateBudgetOptions) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}));
    this.#idleAfterMs = options.idleAfterMs ?? 10_000;
    this.#maxChunk = Math.max(1, Math.floor((this.#store.settings.requestsPerSecond * (options.chunkMs ?? 250)) / 1000));
    this.#onStoreError = options.onStoreError;
  }

  async acquire(wait: RateBudgetWait = {}): Promise<void> {
    const { deadlineMs, signal } = wait;
    signal?.throwIfAborted();
    const now = this.#now();
    this.#noteDemand(now);
    const idle = this.#idle(now);
    this.#lastAcquireMs = now;
    if (idle && (await this.#spareRoom(now))) {
      this.stats.spare++;
      return;
    }
    this.#waiting++;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const turn = this.#turns.shift();
        if (turn !== undefined) {
          const at = Math.max(turn, this.#blockedUntilMs);
          this.#refuseLate(at, deadlineMs, () => this.#turns.unshift(turn));
          // A busy process reserves its next turns while it uses these: the store's latency stays out of the way.
          if (this.#turns.length === 0 && this.#recent.length > 2) this.#startRefill();
          const left = at - this.#now();
          if (left > 0) await this.#sleep(left, signal);
          return;
        }
        const notBefore = Math.max(this.#notBeforeMs, this.#blockedUntilMs);
        if (notBefore > this.#now()) {
          this.#refuseLate(notBefore, deadlineMs);
          await this.#sleep(notBefore - this.#now(), signal);
          continue;
        }
        await this.#startRefill();
      }
    } finally {
      this.#waiting--;
    }
  }

  /**
   * Starts the store read that an idle process's first request would wait for, so that it overlaps other
   * work (the poller reads its checkpoint meanwhile). Does nothing unless that request would read.
   */
  lookAhead(): void {
    const now = this.#now();
    if (!this.#idle(now) || this.#blockedUntilMs > now) return;
    const state = this.#store.peek(now);
    state.catch(() => {}); // the request that uses it handles a failure
    this.#lookAhead = { atMs: now, state };
  }

  async penalise(retryAfterMs?: number): Promise<void> {
    const now = this.#now();
    this.stats.penalties++;
    // Turns reserved at the old rate would keep the pressure on: give them up.
    this.#turns = [];
    this.#blockedUntilMs = Math.max(this.#blockedUntilMs, now + (retryAfterMs ?? this.#store.settings.defaultBlockMs));
    try {
      await this.#store.penalise(retryAfterMs, now);
    } catch (error) {
      this.#storeFailed(error);
    }
  }

  /** Refuses (after `putBack`) a turn at `atMs` that leaves less than one attempt's time before the deadline. */
  #refuseLate(atMs: number, deadlineMs: number | undefined, putBack?: () => void): void {
    if (deadlineMs === undefined || atMs + MIN_ATTEMPT_MS <= deadlineMs) return;
    putBack?.();
    throw new RateBudgetRefusal(Math.max(0, atMs - this.#now()));
  }

  /** The reservation in progress, or a new one (never rejects: a store failure paces locally). */
  #startRefill(): Promise<void> {
    this.#refill ??= this.#reserve().finally(() => {
      this.#refill = undefined;
    });
    return this.#refill;
  }

  async #reserve(): Promise<void> {
    const now = this.#now();
    const demand = Math.ceil((this.#recent.length * this.#maxChunk) / Math.max(1, this.#store.settings.requestsPerSecond));
    const count = Math.min(this.#maxChunk, Math.max(1, this.#waiting, demand));
    try {
      const outcome = await this.#store.reserve(count, now);
      if (outcome.kind === 'full') {
        this.#notBeforeMs = outcome.retryAtMs;
        return;
      }
      this.stats.reservations++;
      this.stats.reserved += outcome.turns.length;
      this.#turns.push(...outcome.turns);
    } catch (error) {
      this.#storeFailed(error);
      // Fail open, paced: one process alone stays within the configured rate.
      const at = Math.max(now, this.#localNextMs);
      this.#localNextMs = at + 1000 / this.#store.settings.requestsPerSecond;
      this.#turns.push(at);
    }
  }

  /** Whether a request now is the first after a rest, with nothing reserved: one read may let it through. */
  #idle(now: number): boolean {
    // Turns left over from a busy spell are no longer counted in the bucket's window: give them up.
    if (this.#turns.length > 0 && this.#turns[0]! < now - 1000) this.#turns = this.#turns.filter((t) => t >= now - 1000);
    return this.#idleAfterMs > 0 && now - this.#lastAcquireMs >= this.#idleAfterMs && this.#turns.length === 0 && !this.#refill;
  }

  async #spareRoom(now: number): Promise<boolean> {
    const ahead = this.#lookAhead;
    this.#lookAhead = undefined;
    if (this.#blockedUntilMs > now) return false;
    try {
      const state = ahead && now - ahead.atMs <= LOOK_AHEAD_FRESH_MS ? ahead.state : this.#store.peek(now);
      return hasSpareRoom(await state, now);
    } catch (error) {
      this.#storeFailed(error);
      return false;
    }
  }

  #noteDemand(now: number): void {
    this.#recent.push(now);
    while (this.#recent.length > 0 && this.#recent[0]! <= now - 1000) this.#recent.shift();
  }

  #storeFailed(error: unknown): void {
    this.stats.storeErrors++;
    try {
      this.#onStoreError?.(error);
    } catch {
      // a logging hook must not break requests
    }
  }
}
