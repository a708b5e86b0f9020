import { defaultSource, type EnvelopeContext } from '../events';
import type { PollInput } from './run-poll';
import { checkpointKeyOf } from './triggers';

/** What every poll run (paged or fanned out) derives from its input first. */
export interface RunContext {
  /** The checkpoint item of this object (and trigger). */
  readonly key: string;
  readonly lagMs: number;
  readonly startedMs: number;
  /** Until when the lease must hold, asked anew at each save (the run's stop plus its margin). */
  readonly leaseUntil: () => number;
  /** What each event's envelope takes from the run. */
  readonly envelope: EnvelopeContext;
}

export function runContextOf(input: PollInput, now: () => number): RunContext {
  const { object, instance, runId } = input;
  return {
    key: checkpointKeyOf(instance, object.key, input.trigger),
    lagMs: input.lagSeconds * 1000,
    startedMs: now(),
    leaseUntil: () => (input.stopAtMs ?? now() + 15 * 60_000) + (input.leaseMarginMs ?? 60_000),
    envelope: {
      instance,
      source: input.source ?? defaultSource(instance),
      returnType: input.returnType,
      runId,
      ...(input.trigger ? { trigger: input.trigger } : {}),
    },
  };
}
