// What a poller invocation may ask for. A scheduled run (EventBridge's "Scheduled Event", or any event
// from aws.events) and an empty manual invoke poll as usual, whatever their payload says. Only a
// direct invoke of exactly `{"resetSince": "<ISO instant>"}` restarts the cursor there (a resync).
import { parseInstant } from './poller-rules';

export interface PollInvocation {
  /** Restart the cursor here (epoch ms) before polling. */
  readonly resetSinceMs?: number;
}

/** Thrown for an invocation payload the poller does not understand; nothing is polled. */
export class PollInvocationError extends Error {
  override readonly name = 'PollInvocationError';
}

/** Reads a poller invocation's payload; throws `PollInvocationError` naming what is wrong. */
export function parsePollInvocation(event: unknown, nowMs: number): PollInvocation {
  if (event === undefined || event === null) return {};
  if (typeof event !== 'object' || Array.isArray(event)) {
    throw new PollInvocationError('A poller takes no payload, or {"resetSince": "<ISO 8601 instant>"}');
  }
  const fields = event as Record<string, unknown>;
  // A schedule's event: its detail is never a command to the poller.
  if (fields.source === 'aws.events' || fields['detail-type'] === 'Scheduled Event') return {};
  const unknown = Object.keys(fields).filter((k) => k !== 'resetSince');
  if (unknown.length > 0) {
    throw new PollInvocationError(`Unknown poller invocation field(s) ${unknown.join(', ')}: only resetSince is accepted`);
  }
  if (fields.resetSince === undefined) return {};
  const ms = typeof fields.resetSince === 'string' ? parseInstant(fields.resetSince) : undefined;
  if (ms === undefined) throw new PollInvocationError('resetSince must be an ISO 8601 instant with a zone, e.g. 2026-11-01T00:00:00Z');
  if (ms > nowMs) throw new PollInvocationError(`resetSince (${fields.resetSince}) is in the future`);
  return { resetSinceMs: ms };
}
