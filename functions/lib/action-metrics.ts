// The action and command functions' metrics, through Powertools Metrics (namespace CoupaConnector, the
// pollers'; names in shared/actions/metrics.ts): per action run, `Actions` and `ActionDurationMs` by
// Instance and Action, and on failure `ActionErrors` by Instance, Action and Error (the error's name).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ACTION_METRICS } from '../../shared/actions/metrics';
import { POLL_METRICS } from '../../shared/changes/poller-rules';

/** Metrics with exactly the Instance dimension by default (Powertools' `service` dimension dropped). */
export function actionMetrics(instance: string): Metrics {
  const metrics = new Metrics({ namespace: POLL_METRICS.namespace });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ Instance: instance });
  return metrics;
}

/** Adds one action run: its count and duration, and its error by name when it failed. */
export function addActionMetrics(metrics: Metrics, instance: string, action: string, durationMs: number, errorName?: string): void {
  metrics.addDimension('Action', action);
  metrics.addMetric(ACTION_METRICS.count, MetricUnit.Count, 1);
  metrics.addMetric(ACTION_METRICS.duration, MetricUnit.Milliseconds, durationMs);
  if (errorName !== undefined) {
    // Its own line: the Error dimension is for this metric only. A single metric gets Powertools'
    // `service` dimension back, so its dimensions are set whole.
    const single = metrics.singleMetric();
    single.clearDefaultDimensions();
    single.addDimensions({ Instance: instance, Action: action, Error: errorName });
    single.addMetric(ACTION_METRICS.errors, MetricUnit.Count, 1);
  }
}

/** The name an action failure is reported under (`Coupa.Validation`, …; `Error` when it has none). */
export const errorNameOf = (error: unknown): string => (error instanceof Error && error.name ? error.name : 'Error');
