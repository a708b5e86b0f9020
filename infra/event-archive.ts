// The bus archive: every event of this connector's source, kept for `archiveRetention` so history can be
// replayed onto the bus (`aws events start-replay`, README "Replay and resync").
import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';

export const DEFAULT_ARCHIVE_RETENTION = Duration.days(30);

/** Creates the archive, or none with `retention: false`; throws when the retention is not whole days. */
export function createEventArchive(
  scope: Construct,
  bus: events.IEventBus,
  source: string,
  retention: Duration | false | undefined,
): events.Archive | undefined {
  if (retention === false) return undefined;
  const kept = retention ?? DEFAULT_ARCHIVE_RETENTION;
  if (!Token.isUnresolved(kept.toSeconds())) {
    const days = kept.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(
        `CoupaConnector: archiveRetention must be a whole number of days, at least 1 (or false); got ${kept.toHumanString()}`,
      );
    }
  }
  return new events.Archive(scope, 'EventArchive', {
    sourceEventBus: bus,
    description: `Coupa events of ${source}, for replay`,
    eventPattern: { source: [source] },
    retention: kept,
  });
}
