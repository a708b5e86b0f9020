// One redrive of a dead-letter queue: read its messages, put each one's entry on the bus again, and
// delete a message only once the bus accepted its entry. Messages that cannot be sent (no entry, a
// vanished claim check, a refusal) stay in the queue, visible again when the run ends.
import { deadLetterEntry, type DeadLetterKind } from './dead-letter-entry';
import type { PayloadReader, QueuedMessage, RedriveBus, RedriveEntry, RedriveQueue } from './ports';

const RECEIVE_MAX = 10; // SQS ReceiveMessage's limit, and PutEvents' entries per request

export interface RedriveDeps {
  readonly queue: RedriveQueue;
  readonly bus: RedriveBus;
  readonly payloads?: PayloadReader;
  /** After each batch of messages: for progress output. */
  readonly onProgress?: (progress: RedriveProgress) => void;
  /** Each entry a dry run would send. */
  readonly onPlanned?: (planned: PlannedEntry) => void;
}

export interface RedriveInput {
  /** Stop after this many messages. @default no limit: until the queue has no visible message left */
  readonly max?: number;
  /** Read and report, send nothing, delete nothing. @default false */
  readonly dryRun?: boolean;
  /** Put every entry on this bus instead of the one its message names. */
  readonly eventBusName?: string;
}

export interface PlannedEntry {
  readonly messageId: string;
  readonly kind: DeadLetterKind;
  readonly entry: RedriveEntry;
}

export interface RedriveProblem {
  readonly messageId: string;
  readonly kind: DeadLetterKind;
  readonly problem: string;
}

export interface RedriveProgress {
  readonly read: number;
  /** Entries the bus accepted (their messages deleted); in a dry run, entries that would be sent. */
  readonly redriven: number;
  /** Messages left in the queue. */
  readonly left: number;
}

export interface RedriveReport extends RedriveProgress {
  readonly dryRun: boolean;
  readonly problems: readonly RedriveProblem[];
}

/**
 * Redrives a dead-letter queue of the connector (the poller's refused events, or failed commands).
 *
 * @example
 * const report = await runRedrive({ queue, bus, payloads }, { max: 100 });
 */
export async function runRedrive(deps: RedriveDeps, input: RedriveInput = {}): Promise<RedriveReport> {
  const max = input.max ?? Number.POSITIVE_INFINITY;
  if (!(max >= 1)) throw new RangeError(`max must be at least 1, got ${input.max}`);
  const dryRun = input.dryRun ?? false;
  const seen = new Set<string>();
  /** Latest receipt of each message not deleted: released at the end. */
  const kept = new Map<string, string>();
  const problems: RedriveProblem[] = [];
  let redriven = 0;

  try {
    while (seen.size < max) {
      const received = await deps.queue.receive(Math.min(RECEIVE_MAX, max - seen.size));
      const fresh = received.filter((m) => !seen.has(m.id));
      for (const m of received) if (seen.has(m.id) && kept.has(m.id)) kept.set(m.id, m.receipt);
      // Nothing new: the queue is empty, or only messages this run already handled reappeared.
      if (fresh.length === 0) break;

      const sendable: { message: QueuedMessage; planned: PlannedEntry }[] = [];
      for (const message of fresh) {
        seen.add(message.id);
        kept.set(message.id, message.receipt);
        const result = await deadLetterEntry(message, {
          ...(input.eventBusName ? { eventBusName: input.eventBusName } : {}),
          ...(deps.payloads ? { payloads: deps.payloads } : {}),
        });
        if ('problem' in result) problems.push({ messageId: message.id, kind: result.kind, problem: result.problem });
        else sendable.push({ message, planned: { messageId: message.id, kind: result.kind, entry: result.entry } });
      }

      if (dryRun) {
        for (const { planned } of sendable) deps.onPlanned?.(planned);
        redriven += sendable.length;
      } else if (sendable.length > 0) {
        const outcomes = await deps.bus.put(sendable.map((s) => s.planned.entry));
        const accepted: string[] = [];
        sendable.forEach(({ message, planned }, i) => {
          const outcome = outcomes[i];
          if (outcome?.accepted) {
            accepted.push(message.receipt);
            kept.delete(message.id);
          } else {
            const why = outcome ? `${outcome.errorCode}: ${outcome.errorMessage}` : 'no outcome for this entry';
            problems.push({ messageId: message.id, kind: planned.kind, problem: `The bus refused the entry (${why})` });
          }
        });
        if (accepted.length > 0) await deps.queue.delete(accepted);
        redriven += accepted.length;
      }
      deps.onProgress?.({ read: seen.size, redriven, left: kept.size });
    }
  } finally {
    // Whatever was not deleted becomes visible again for the next attempt (or the next reader).
    if (kept.size > 0) await deps.queue.release([...kept.values()]);
  }
  return { dryRun, read: seen.size, redriven, left: kept.size, problems };
}
