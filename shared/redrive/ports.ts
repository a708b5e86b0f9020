import type { DataRef } from '../events';

/** One message of a dead-letter queue, as received (invisible to others until deleted or released). */
export interface QueuedMessage {
  readonly id: string;
  /** Names this receipt of the message; delete and release need it. */
  readonly receipt: string;
  readonly body: string;
  /** String message attributes (e.g. EventBridge's `RULE_ARN`, `ERROR_CODE`). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** The dead-letter queue being redriven. */
export interface RedriveQueue {
  /** Up to `max` (1–10) messages, kept invisible while the redrive runs; empty when none are visible. */
  receive(max: number): Promise<QueuedMessage[]>;
  /** Removes messages for good: only once their entry is on the bus. */
  delete(receipts: readonly string[]): Promise<void>;
  /** Makes messages visible again at once (kept for a later redrive). */
  release(receipts: readonly string[]): Promise<void>;
}

/** A PutEvents entry to send again, with the bus it goes to. */
export interface RedriveEntry {
  readonly EventBusName: string;
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  /** ISO instant (as the poller writes it) or epoch ms; absent: the time of the put. */
  readonly Time?: number | string;
  readonly Resources?: readonly string[];
}

export type PutOutcome =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly errorCode: string; readonly errorMessage: string };

/** Puts entries on their buses; one outcome per entry, in order (never throws for one entry's refusal). */
export interface RedriveBus {
  put(entries: readonly RedriveEntry[]): Promise<PutOutcome[]>;
}

/** Reads claim-check objects (the payload bucket). */
export interface PayloadReader {
  /** The object's text, or undefined when it no longer exists. */
  read(ref: DataRef): Promise<string | undefined>;
  exists(ref: DataRef): Promise<boolean>;
}
