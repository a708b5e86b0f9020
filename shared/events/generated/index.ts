// The package's `coupa-connector/events` entry: a TypeScript type and a zod schema per detail type.
export * from './types';
export * from './zod';
