// The AWS adapters of the core's ports. Only this folder imports @aws-sdk/*; each adapter takes an
// injected client and only translates.
export { DynamoCheckpointStore, type DynamoCheckpointStoreOptions } from './DynamoCheckpointStore';
export {
  EventBridgePublisher,
  PublishIncompleteError,
  putEventsEntryBytes,
  EVENTBRIDGE_MAX_REQUEST_BYTES,
  RETRYABLE_ERROR_CODES,
  type EventBridgePublisherOptions,
} from './EventBridgePublisher';
export {
  SqsDeadLetterSink,
  SQS_DEFAULT_MAX_MESSAGE_BYTES,
  type SqsDeadLetterSinkOptions,
  type DeadLetterMessage,
} from './SqsDeadLetterSink';
export { S3PayloadStore, type S3PayloadStoreOptions } from './S3PayloadStore';
export { S3FileSource, type S3FileSourceOptions } from './S3FileSource';
export { SecretsManagerSecretStore } from './SecretsManagerSecretStore';
export { SqsRedriveQueue, type SqsRedriveQueueOptions } from './SqsRedriveQueue';
export { EventBridgeRedriveBus } from './EventBridgeRedriveBus';
export { S3PayloadReader } from './S3PayloadReader';
export { DynamoRefreshLease, type DynamoRefreshLeaseOptions } from './DynamoRefreshLease';
export { DynamoRateBudgetStore, type DynamoRateBudgetStoreOptions } from './DynamoRateBudgetStore';
export { LambdaTokenRefresher } from './LambdaTokenRefresher';
