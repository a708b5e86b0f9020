import { runFanOutPoll, type FanOutPollDeps, type FanOutPollResult } from './fan-out-poll';
import { runPoll, type PollDeps, type PollInput, type PollResult } from './run-poll';

/** What one trigger's run needs: a record source, or a fan-out source for objects served under a parent. */
export type TriggerDeps = PollDeps | FanOutPollDeps;

/** A run's result; a fan-out also says how many parents it read and whether it finished its sweep. */
export type TriggerResult = PollResult & Partial<Pick<FanOutPollResult, 'parents' | 'sweepFinished'>>;

/** One poll run of one trigger: a fan-out over parents (fan-out-poll.ts) or the direct poll (run-poll.ts). */
export function runTrigger(deps: TriggerDeps, input: PollInput): Promise<TriggerResult> {
  return 'fanOut' in deps ? runFanOutPoll(deps, input) : runPoll(deps, input);
}
