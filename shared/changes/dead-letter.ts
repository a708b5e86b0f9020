import type { CoupaEventEntry } from '../events';

/** One entry the bus refused for good (or that could never be sent), with the reason. */
export interface DeadLetter {
  /** The entry as it was to be published, with the bus it was meant for. */
  readonly entry: CoupaEventEntry & { readonly EventBusName?: string };
  /** The bus's per-entry `ErrorCode` (e.g. `MalformedDetail`), or ours (`EntryTooLarge`). */
  readonly errorCode: string;
  readonly errorMessage: string;
}

/**
 * Where a publisher puts entries it cannot deliver, so nothing is silently dropped. `send` resolves only
 * once every failure is stored, and rejects when it cannot store them all (the caller then stops without
 * advancing its cursor, and the entries are published again on the next run).
 */
export interface DeadLetterSink {
  send(failures: readonly DeadLetter[]): Promise<void>;
}
