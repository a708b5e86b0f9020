// PutEvents grants conditioned on what is sent: a role may put only events with its own source and
// detail types on the bus, so no role of the connector (a poller, the command function) can emit a
// `Coupa Command` or impersonate another sender.
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';

/** `events:PutEvents` on `bus` for entries whose `Source` is `source` and `DetailType` one of `detailTypes`. */
export function putEventsStatement(
  bus: events.IEventBus,
  source: string | readonly string[],
  detailTypes: readonly string[],
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    // Every entry of a PutEvents request is authorised on its own; a list of values matches any of them.
    conditions: {
      StringEquals: { 'events:source': typeof source === 'string' ? source : [...source], 'events:detail-type': [...detailTypes] },
    },
  });
}
