// The operator's view in the template: one dashboard per connector with a row per polled object and
// the actions' widgets, on the metric names the handlers write; every alarm notifies the alarm topic.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ACTION_METRICS } from '../../shared/actions/metrics';
import { POLL_METRICS } from '../../shared/changes/poller-rules';
import { CoupaConnector, type CoupaConnectorProps } from '../../infra/CoupaConnector';

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

function synth(props: Partial<CoupaConnectorProps> = {}) {
  const stack = new Stack(noBundling(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  new CoupaConnector(stack, 'C', { instance: 'acme', pollers: [{ object: 'invoices' }, { object: 'suppliers' }], ...props });
  const template = Template.fromStack(stack);
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as { Properties: Record<string, unknown> }[];
  return { template, dashboards, stack };
}

/** The dashboard body with its tokens left as JSON (names and metric names are literal). */
const bodyOf = (dashboard: { Properties: Record<string, unknown> }, stack: Stack) =>
  JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));

describe('dashboard', () => {
  test('one per connector, named after the instance, with every per-object metric for each polled object', () => {
    const { dashboards, stack } = synth();
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]!.Properties.DashboardName).toBe('coupa-connector-acme');
    const body = bodyOf(dashboards[0]!, stack);
    const perObject = [
      POLL_METRICS.published,
      POLL_METRICS.watermarkAge,
      POLL_METRICS.requests,
      POLL_METRICS.rateLimited,
      POLL_METRICS.budgetWait,
      POLL_METRICS.errors,
      POLL_METRICS.deadLettered,
    ];
    for (const object of ['invoices', 'suppliers']) {
      for (const metric of perObject) {
        // A metric line: namespace, name, then its dimensions Instance and Object.
        expect(body).toContain(`\\"CoupaConnector\\",\\"${metric}\\",\\"Instance\\",\\"acme\\",\\"Object\\",\\"${object}\\"`);
      }
    }
  });

  test('a row per trigger: a named trigger’s metrics (Object `invoices:approved`), and each run duration from its function’s Lambda metric', () => {
    const { dashboards, stack } = synth({
      pollers: [{ object: 'invoices' }, { object: 'invoices', name: 'approved', filters: { status: 'approved' } }],
    });
    const body = bodyOf(dashboards[0]!, stack);
    for (const object of ['invoices', 'invoices:approved']) {
      expect(body).toContain(`\\"${POLL_METRICS.published}\\",\\"Instance\\",\\"acme\\",\\"Object\\",\\"${object}\\"`);
      expect(body).toContain(`${object}: run duration (ms)`);
    }
    expect(body.match(/\\"AWS\/Lambda\\",\\"Duration\\",\\"FunctionName\\"/g)).toHaveLength(4); // maximum and average, per trigger
    expect(body).not.toMatch(/[^n]DurationMs/); // only ActionDurationMs: the poller writes no duration of its own
  });

  test('the actions row: runs and duration by action, errors by action and error name', () => {
    const { dashboards, stack } = synth();
    const body = bodyOf(dashboards[0]!, stack);
    expect(body).toContain(`{CoupaConnector,Instance,Action} MetricName=\\\\\\"${ACTION_METRICS.count}\\\\\\" Instance=\\\\\\"acme\\\\\\"`);
    expect(body).toContain(`{CoupaConnector,Instance,Action,Error} MetricName=\\\\\\"${ACTION_METRICS.errors}\\\\\\"`);
    expect(body).toContain(`{CoupaConnector,Instance,Action} MetricName=\\\\\\"${ACTION_METRICS.duration}\\\\\\"`);
  });

  test('without actions the actions row is left out', () => {
    const { dashboards, stack } = synth({ enableActions: false });
    expect(bodyOf(dashboards[0]!, stack)).not.toContain(ACTION_METRICS.count);
  });

  test('every alarm, including the ones on the dashboard, has the alarm topic as AlarmActions', () => {
    const { template } = synth();
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, unknown> }[];
    // token refresh, two pollers, the event and command dead-letter queues
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
  });
});
