// `npm run bench -- --latency [--schedule-seconds 60] [--lag-seconds 120] [--changes-per-minute 30]
// [--hours 2] [--visibility-ms 2000]`: change→event latency of the real poller on a steady trickle of
// edits. The simulator's clock is virtual: edits land at random instants between runs, each becomes
// visible to queries `visibility-ms` after it is saved, and a run happens every `schedule-seconds`. The
// latency of an event is the run's time minus the version's updated-at (a run's own duration, a few
// hundred ms in Lambda, is not included). Prints p50, p95 and max.
import { startSimulator } from '../../shared/simulator';
import { pollHarness } from '../support/poll-harness';

export interface LatencyOptions {
  readonly scheduleSeconds: number;
  readonly lagSeconds: number;
  readonly changesPerMinute: number;
  readonly hours: number;
  readonly visibilityMs: number;
}

export const DEFAULT_LATENCY_OPTIONS: LatencyOptions = {
  scheduleSeconds: 300,
  lagSeconds: 120,
  changesPerMinute: 30,
  hours: 2,
  visibilityMs: 2000,
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function latencyBench(options: LatencyOptions): Promise<void> {
  const sim = await startSimulator({ seed: 21, records: 300, rateLimit: false });
  try {
    const clock = sim.control.clock;
    const startMs = Math.floor(Date.now() / 1000) * 1000;
    clock.set(startMs);
    const h = pollHarness(sim, { object: 'invoices', lagSeconds: options.lagSeconds, sinceMs: startMs });
    await h.poll(); // the cursor starts now: only the trickle below is measured
    h.publisher.entries.length = 0;

    const ids = sim.control.list('invoices').map((r) => r.id as number);
    const scheduleMs = options.scheduleSeconds * 1000;
    const runs = Math.floor((options.hours * 3600) / options.scheduleSeconds);
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const latencies: number[] = [];
    let edits = 0;
    for (let run = 1; run <= runs; run++) {
      const runAtMs = startMs + run * scheduleMs;
      // This interval's edits, at random instants, in time order.
      const count = Math.round((options.changesPerMinute * options.scheduleSeconds) / 60);
      const instants = Array.from({ length: count }, () => runAtMs - scheduleMs + Math.floor(random() * scheduleMs)).sort((a, b) => a - b);
      for (const at of instants) {
        clock.set(at);
        sim.control.update(
          'invoices',
          ids[Math.floor(random() * ids.length)]!,
          { description: `edit ${++edits}` },
          { visibleAfterMs: options.visibilityMs },
        );
      }
      clock.set(runAtMs);
      const before = h.publisher.entries.length;
      await h.poll();
      for (const entry of h.publisher.entries.slice(before)) latencies.push(runAtMs - Date.parse(entry.Time as string));
    }
    latencies.sort((a, b) => a - b);
    const s = (ms: number) => `${Math.round(ms / 1000)} s`;
    console.log(
      `latency schedule=${options.scheduleSeconds}s lagSeconds=${options.lagSeconds} visibility=${options.visibilityMs}ms ` +
        `changes/min=${options.changesPerMinute} runs=${runs} events=${latencies.length} edits=${edits}`,
    );
    console.log(
      `latency p50=${s(percentile(latencies, 50))} p95=${s(percentile(latencies, 95))} max=${s(latencies.at(-1) ?? 0)} ` +
        `(expected about lagSeconds + schedule/2 = ${s(options.lagSeconds * 1000 + scheduleMs / 2)} at p50)`,
    );
  } finally {
    await sim.close();
  }
}
