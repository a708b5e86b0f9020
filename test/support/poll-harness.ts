import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getObject } from '../../shared/catalog';
import type { EventPublisher, PublishReport, TriggerResult } from '../../shared/changes';
import { localPoll } from '../../functions/cli/local-poller';
import { CoupaClient, type CoupaClientOptions } from '../../shared/coupa';
import type { CoupaEventEntry, EventReturnType } from '../../shared/events';
import type { Simulator } from '../../shared/simulator';

/** Collects published entries in memory; `failAfter` throws once that many were accepted (a killed run). */
export class MemoryPublisher implements EventPublisher {
  readonly entries: CoupaEventEntry[] = [];
  calls = 0;
  failAfter?: number;

  async publish(entries: readonly CoupaEventEntry[]): Promise<PublishReport> {
    this.calls++;
    for (const entry of entries) {
      if (this.failAfter !== undefined && this.entries.length >= this.failAfter) {
        this.failAfter = undefined;
        throw new Error('killed mid-page');
      }
      this.entries.push(entry);
    }
    return { delivered: entries.length, deadLettered: 0, calls: 1 };
  }

  /** `id@updatedAtMs` of every published version, in order. */
  versions(): string[] {
    return this.entries.map((e) => {
      const { metadata } = JSON.parse(e.Detail) as { metadata: { recordId: number; updatedAt: string } };
      return `${metadata.recordId}@${Date.parse(metadata.updatedAt)}`;
    });
  }
}

export interface PollHarnessOptions {
  readonly object: string;
  readonly lagSeconds?: number;
  readonly sinceMs?: number;
  readonly returnType?: EventReturnType;
  readonly client?: Partial<CoupaClientOptions>;
  /** @default 1000: tests about hazards should not wait on the poller's own request cap */
  readonly maxRequestsPerSecond?: number;
  readonly concurrency?: number;
}

/** Polls one object of a simulator with the CLI's local poller (file state), publishing to memory. */
export function pollHarness(sim: Simulator, options: PollHarnessOptions) {
  const object = getObject(options.object);
  const stateDir = mkdtempSync(path.join(tmpdir(), 'coupa-poll-'));
  const publisher = new MemoryPublisher();
  const client = new CoupaClient({
    host: sim.baseUrl,
    credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: [object.scopes.read] },
    retry: { limit: 6, backoffBaseMs: 5, backoffLimitMs: 50 },
    ...options.client,
  } as CoupaClientOptions);
  let run = 0;
  return {
    publisher,
    stateDir,
    client,
    /** One run; `now` defaults to the simulator clock so horizons match the server's. */
    poll: (extra: { stopAtMs?: number; now?: () => number; runId?: string } = {}): Promise<TriggerResult> =>
      localPoll({
        client,
        object,
        instance: 'sim',
        stateDir,
        out: publisher,
        lagSeconds: options.lagSeconds ?? 0,
        returnType: options.returnType ?? 'default',
        maxRequestsPerSecond: options.maxRequestsPerSecond ?? 1000,
        runId: extra.runId ?? `run-${++run}`,
        now: extra.now ?? (() => sim.control.clock.now()),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        ...(options.sinceMs === undefined ? {} : { sinceMs: options.sinceMs }),
        ...(extra.stopAtMs === undefined ? {} : { stopAtMs: extra.stopAtMs }),
      }),
  };
}

/** The simulator's truth: `id@updatedAtMs` of every version stored at or after `sinceMs`. */
export function truthSince(sim: Simulator, object: string, sinceMs: number): Set<string> {
  return new Set(
    sim.control
      .history(object)
      .filter((v) => v.updatedAtMs >= sinceMs)
      .map((v) => `${v.id}@${v.updatedAtMs}`),
  );
}

/** `id@updatedAtMs` of each record's latest version. */
export function latestVersions(sim: Simulator, object: string, sinceMs: number): Set<string> {
  const latest = new Map<number, number>();
  for (const v of sim.control.history(object)) latest.set(v.id, v.updatedAtMs);
  return new Set([...latest].filter(([, ms]) => ms >= sinceMs).map(([id, ms]) => `${id}@${ms}`));
}

export const duplicatesIn = (versions: readonly string[]): string[] => versions.filter((v, i) => versions.indexOf(v) !== i);
