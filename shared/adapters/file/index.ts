export { FileCheckpointStore } from './FileCheckpointStore';
export { JsonLinesPublisher } from './JsonLinesPublisher';
export { FilePayloadStore } from './FilePayloadStore';
export { LocalFileSource } from './LocalFileSource';
