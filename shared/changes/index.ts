export * from './cursor';
export * from './plan';
export * from './ports';
export * from './run-poll';
export * from './event-entries';
export { versionOf } from './versions';
export { CoupaRecordSource, type RecordSourceOptions } from './CoupaRecordSource';
export * from './dead-letter';
export * from './created';
