// What a poller invocation returns and reports: counts and the watermark, never record data. The
// metrics go out through Powertools Metrics as one embedded-metric-format (EMF) line per run, which
// Lambda's log group turns into CloudWatch metrics (namespace CoupaConnector, dimensions Instance and
// Object; names in shared/changes/poller-rules.ts, POLL_METRICS).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PollResult } from '../../shared/changes';
import { POLL_METRICS } from '../../shared/changes/poller-rules';
import type { RequestEvent, RetryEvent } from '../../shared/coupa';

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

/** Coupa answers worth an operator's eye, counted by the client's hooks during one run. */
export class CoupaCallCounts {
  retries = 0;
  rateLimited = 0;
  /** Time spent waiting for turns of the instance's rate budget. */
  budgetWaitMs = 0;

  readonly onRetry = (_event: RetryEvent): void => {
    this.retries++;
  };
  readonly onRequest = (event: RequestEvent): void => {
    if (event.status === 429) this.rateLimited++;
  };

  readonly onBudgetWait = (ms: number): void => {
    this.budgetWaitMs += ms;
  };

  reset(): void {
    this.retries = 0;
    this.rateLimited = 0;
    this.budgetWaitMs = 0;
  }
}

/**
 * The poller's Metrics: Powertools' default `service` dimension is dropped, so every metric has exactly
 * the dimensions the alarms and the dashboard address (Instance, Object).
 */
export function pollerMetrics(instance: string, object: string): Metrics {
  const metrics = new Metrics({ namespace: POLL_METRICS.namespace });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ Instance: instance, Object: object });
  return metrics;
}

export interface RunReport {
  /** Absent when the run failed. */
  readonly summary?: PollSummary;
  readonly calls: CoupaCallCounts;
  readonly startedMs: number;
  readonly endedMs: number;
}

/**
 * Adds one run's metrics; the logMetrics middleware writes them. Published, Requests and the watermark
 * age go out on every run that reports (the behind alarm treats a missing watermark age as breaching);
 * the others only when not zero, since each metric costs by the hour it is published. A run's duration
 * is Lambda's own metric (AWS/Lambda Duration), so it is not repeated here.
 * The timestamp is the run's start, so each scheduled run lands in its own period.
 */
export function addRunMetrics(metrics: Metrics, { summary, calls, startedMs, endedMs }: RunReport): void {
  metrics.setTimestamp(startedMs);
  const sometimes = (name: string, value: number) => {
    if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  };
  if (summary) {
    metrics.addMetric(POLL_METRICS.published, MetricUnit.Count, summary.published);
    metrics.addMetric(POLL_METRICS.requests, MetricUnit.Count, summary.requests);
    const ageSeconds = Math.max(0, Math.round((endedMs - Date.parse(summary.watermark)) / 1000));
    metrics.addMetric(POLL_METRICS.watermarkAge, MetricUnit.Seconds, ageSeconds);
    sometimes(POLL_METRICS.deadLettered, summary.deadLettered);
    sometimes(POLL_METRICS.claimChecked, summary.claimChecked);
    sometimes(POLL_METRICS.checkpointWrites, summary.checkpointWrites);
    sometimes(POLL_METRICS.stoppedByDeadline, summary.stoppedBy === 'deadline' ? 1 : 0);
  } else {
    metrics.addMetric(POLL_METRICS.errors, MetricUnit.Count, 1);
  }
  sometimes(POLL_METRICS.retries, calls.retries);
  sometimes(POLL_METRICS.rateLimited, calls.rateLimited);
  // Under half a millisecond is the budget's own bookkeeping, not a wait.
  const budgetWaitMs = Math.round(calls.budgetWaitMs);
  if (budgetWaitMs > 0) metrics.addMetric(POLL_METRICS.budgetWait, MetricUnit.Milliseconds, budgetWaitMs);
}
