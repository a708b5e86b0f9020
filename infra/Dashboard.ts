// The connector's CloudWatch dashboard: one row per poller, i.e. per polled object or named trigger
// (events published, how far behind Coupa they are, Coupa requests, 429s and retries, time waiting for
// the shared request budget, failed runs, dead letters, run duration from Lambda's own metric), then
// the actions (runs, errors by name, duration) and the connector's alarms. Metric names come from the
// handlers' own constants (POLL_METRICS, ACTION_METRICS).
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACTION_METRICS } from '../shared/actions/metrics';
import { POLL_METRICS } from '../shared/changes/poller-rules';

export interface DashboardProps {
  readonly instance: string;
  /** One row each: the poller's label (its metrics' Object dimension: `invoices`, `invoices:approved`) and its function. */
  readonly pollers: readonly { readonly label: string; readonly function: lambda.IFunction }[];
  readonly deadLetterQueue: sqs.IQueue;
  /** Whether the action functions exist (their row is left out otherwise). */
  readonly actions: boolean;
  /** Every alarm of the connector, shown as a status row. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const PERIOD = Duration.minutes(5);
const WIDTH = 24;

export class Dashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { instance } = props;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `coupa-connector-${instance}`,
      defaultInterval: Duration.hours(3),
    });
    const poll = (metricName: string, object: string, statistic: string = cloudwatch.Stats.SUM) =>
      new cloudwatch.Metric({
        namespace: POLL_METRICS.namespace,
        metricName,
        dimensionsMap: { Instance: instance, Object: object },
        statistic,
        period: PERIOD,
      });

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          `# Coupa connector ${instance}\n` +
          'Per poller (object or named trigger): events published, how far behind Coupa they are, Coupa requests, 429s and ' +
          'retries, time waiting for the request budget, failed runs and dead letters, run duration. Counters that stay zero ' +
          'are not published (README, "Operating").',
        width: WIDTH,
        height: 2,
      }),
    );
    if (props.alarms.length > 0) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: WIDTH, height: 3 }));
    }
    for (const { label: object, function: fn } of props.pollers) {
      const w = WIDTH / 6;
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: `${object}: published`, left: [poll(POLL_METRICS.published, object)], width: w }),
        new cloudwatch.GraphWidget({
          title: `${object}: watermark age (s)`,
          left: [poll(POLL_METRICS.watermarkAge, object, cloudwatch.Stats.MAXIMUM)],
          width: w,
        }),
        new cloudwatch.GraphWidget({
          title: `${object}: Coupa requests, 429s, retries`,
          left: [poll(POLL_METRICS.requests, object)],
          right: [poll(POLL_METRICS.rateLimited, object), poll(POLL_METRICS.retries, object)],
          width: w,
        }),
        new cloudwatch.GraphWidget({
          title: `${object}: budget wait (ms)`,
          left: [poll(POLL_METRICS.budgetWait, object)],
          width: w,
        }),
        new cloudwatch.GraphWidget({
          title: `${object}: failed runs, dead letters`,
          left: [poll(POLL_METRICS.errors, object), poll(POLL_METRICS.deadLettered, object)],
          width: w,
        }),
        new cloudwatch.GraphWidget({
          title: `${object}: run duration (ms)`,
          left: [
            fn.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
            fn.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.AVERAGE }),
          ],
          width: w,
        }),
      );
    }
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue: refused events waiting',
        left: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM })],
        width: WIDTH,
      }),
    );
    if (props.actions) {
      // One line per action (and per error name) that ran: SEARCH finds them without a list here.
      const search = (metricName: string, dimensions: string, statistic: string, label: string) =>
        new cloudwatch.MathExpression({
          expression: `SEARCH('{${POLL_METRICS.namespace},${dimensions}} MetricName="${metricName}" Instance="${instance}"', '${statistic}', ${PERIOD.toSeconds()})`,
          label,
          period: PERIOD,
        });
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Actions run, by action',
          left: [search(ACTION_METRICS.count, 'Instance,Action', 'Sum', 'runs')],
          width: WIDTH / 3,
        }),
        new cloudwatch.GraphWidget({
          title: 'Action errors, by action and error',
          left: [search(ACTION_METRICS.errors, 'Instance,Action,Error', 'Sum', 'errors')],
          width: WIDTH / 3,
        }),
        new cloudwatch.GraphWidget({
          title: 'Action duration (ms, p90), by action',
          left: [search(ACTION_METRICS.duration, 'Instance,Action', 'p90', 'p90')],
          width: WIDTH / 3,
        }),
      );
    }
  }
}
