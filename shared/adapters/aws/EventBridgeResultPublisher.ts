// Command result events through PutEvents. An entry the bus did not take fails the invocation, so
// Lambda retries the command (its write is answered from the idempotency record, not sent again).
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ResultEntry, ResultPublisher } from '../../actions/command';

export class ResultNotPublishedError extends Error {
  override readonly name = 'ResultNotPublished';
}

export function eventBridgeResultPublisher(eventBusName: string, client = new EventBridgeClient({})): ResultPublisher {
  return {
    async publish(entry: ResultEntry): Promise<void> {
      const out = await client.send(new PutEventsCommand({ Entries: [{ ...entry, EventBusName: eventBusName }] }));
      const failed = out.Entries?.[0];
      if ((out.FailedEntryCount ?? 0) > 0 || failed?.ErrorCode) {
        throw new ResultNotPublishedError(
          `EventBridge did not take the ${entry.DetailType} event: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim(),
        );
      }
    },
  };
}
