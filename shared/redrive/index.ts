// Redriving the connector's dead-letter queues: the core (runRedrive), its ports, and how each kind of
// dead-letter message becomes a PutEvents entry again. Adapters: shared/adapters/aws.
export {
  runRedrive,
  type RedriveDeps,
  type RedriveInput,
  type RedriveReport,
  type RedriveProgress,
  type RedriveProblem,
  type PlannedEntry,
} from './run-redrive';
export { deadLetterEntry, busOfRule, type DeadLetterEntry, type DeadLetterKind, type EntryOptions } from './dead-letter-entry';
export type { PayloadReader, PutOutcome, QueuedMessage, RedriveBus, RedriveEntry, RedriveQueue } from './ports';
