export * from './types';
export * from './detail-types';
export * from './envelope';
export { detailSchemaOf, allDetailSchemas, commandSchemas } from './schema';
export * from './entry-size';
