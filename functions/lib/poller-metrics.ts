// What a poller invocation returns and reports: counts and the watermark, never record data. The
// metrics go out as one CloudWatch embedded-metric-format (EMF) line on stdout, which Lambda's log
// group turns into metrics (namespace CoupaConnector, dimensions Instance and Object).
import type { PollResult } from '../../shared/changes';
import { POLL_METRICS } from '../../shared/changes/poller-rules';

export interface PollSummary {
  readonly object: string;
  readonly published: number;
  readonly claimChecked: number;
  readonly deadLettered: number;
  readonly requests: number;
  readonly publishCalls: number;
  readonly checkpointWrites: number;
  readonly stoppedBy: PollResult['stoppedBy'];
  /** Every change before this instant is published. */
  readonly watermark: string;
}

export function summarize(object: string, result: PollResult): PollSummary {
  const { published, claimChecked, deadLettered, requests, publishCalls, checkpointWrites, stoppedBy } = result;
  return {
    object,
    published,
    claimChecked,
    deadLettered,
    requests,
    publishCalls,
    checkpointWrites,
    stoppedBy,
    watermark: new Date(result.cursor.watermarkMs).toISOString(),
  };
}

/** The EMF line of one run; its timestamp is the run's start, so each scheduled run lands in its own period. */
export function metricsLine(instance: string, summary: PollSummary, startedMs: number, endedMs: number): string {
  const counts = {
    Published: summary.published,
    ClaimChecked: summary.claimChecked,
    DeadLettered: summary.deadLettered,
    Requests: summary.requests,
    CheckpointWrites: summary.checkpointWrites,
    StoppedByDeadline: summary.stoppedBy === 'deadline' ? 1 : 0,
  };
  const watermarkAgeSeconds = Math.max(0, Math.round((endedMs - Date.parse(summary.watermark)) / 1000));
  return JSON.stringify({
    _aws: {
      Timestamp: startedMs,
      CloudWatchMetrics: [
        {
          Namespace: POLL_METRICS.namespace,
          Dimensions: [['Instance', 'Object']],
          Metrics: [
            ...Object.keys(counts).map((Name) => ({ Name, Unit: 'Count' })),
            { Name: POLL_METRICS.watermarkAge, Unit: 'Seconds' },
            { Name: 'DurationMs', Unit: 'Milliseconds' },
          ],
        },
      ],
    },
    Instance: instance,
    Object: summary.object,
    ...counts,
    [POLL_METRICS.watermarkAge]: watermarkAgeSeconds,
    DurationMs: endedMs - startedMs,
  });
}

/** Writes the EMF line straight to stdout: console.* in Lambda would prefix it and break the format. */
export function emitMetrics(line: string): void {
  process.stdout.write(`${line}\n`);
}
