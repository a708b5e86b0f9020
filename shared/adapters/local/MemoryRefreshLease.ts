// RefreshLease in this process's memory: for the CLI and tests, where every refresher shares one
// process. Same rules as DynamoRefreshLease.
import type { PendingRefreshToken, RefreshLease } from '../../tokens/RefreshLease';

export class MemoryRefreshLease implements RefreshLease {
  #holder: { owner: string; untilMs: number } | undefined;
  #pending: PendingRefreshToken | undefined;

  async acquire(owner: string, nowMs: number, untilMs: number): Promise<boolean> {
    const h = this.#holder;
    if (h && h.untilMs > nowMs && h.owner !== owner) return false;
    this.#holder = { owner, untilMs };
    return true;
  }

  async release(owner: string): Promise<void> {
    if (this.#holder?.owner === owner) this.#holder = undefined;
  }

  async readPending(): Promise<PendingRefreshToken | undefined> {
    return this.#pending;
  }

  async savePending(pending: PendingRefreshToken): Promise<void> {
    this.#pending = pending;
  }

  async clearPending(): Promise<void> {
    this.#pending = undefined;
  }
}
