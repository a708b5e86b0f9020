import { catalog, type CatalogObject } from '../catalog';
import { detailTypeOf, detailTypeSlug } from './detail-types';
import { type FieldType, type ObjectShapes, RecordShapes, type Shape } from './record-shapes';
import { type ChangeKind, EVENT_RETURN_TYPES } from './types';

export type JsonSchema = Record<string, unknown>;

const SCHEMA_BASE = 'https://github.com/coupa-connector/coupa-connector/schemas/events/v1';
const instant = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$' };

/** The JSON Schema of one field type; associations point into the file's `definitions`. */
function fieldSchema(type: FieldType, nullable: boolean): JsonSchema {
  const typed = (name: string) => ({ type: nullable ? [name, 'null'] : name });
  switch (type.t) {
    case 'ref':
      return { $ref: `#/definitions/${type.name}` };
    case 'array':
      return { ...typed('array'), items: fieldSchema(type.items, false) };
    case 'unknown':
      return {};
    case 'integer':
    case 'number':
    case 'boolean':
      return type.enum ? { anyOf: [typed(type.t), { enum: type.enum }] } : typed(type.t);
    default:
      return typed(type.t);
  }
}

/** The JSON Schema of one record or association shape. */
export function shapeSchema(shape: Shape): JsonSchema {
  return {
    type: shape.nullable ? ['object', 'null'] : 'object',
    description: shape.description,
    ...(shape.required.length > 0 ? { required: shape.required } : {}),
    properties: Object.fromEntries(shape.fields.map((f) => [f.name, fieldSchema(f.type, f.nullable)])),
    ...(shape.open ? {} : { additionalProperties: false }),
  };
}

let shapes: RecordShapes | undefined;
/** The record shapes of a catalog object (built once per process, from the whole catalog). */
export function objectShapesOf(object: CatalogObject): ObjectShapes {
  shapes ??= new RecordShapes(catalog);
  return shapes.of(object);
}

/**
 * The JSON Schema (draft-07, compiles in Ajv's strict mode) of one detail type's `Detail`. `data` is
 * typed per `metadata.returnType` (a `oneOf` on its value); exactly one of `data` / `dataRef` is present,
 * as `metadata.payload` says.
 */
export function detailSchemaOf(object: CatalogObject, change: ChangeKind): JsonSchema {
  const detailType = detailTypeOf(object, change);
  const { records, shapes: objectShapes } = objectShapesOf(object);
  const metadata = {
    type: 'object',
    additionalProperties: false,
    required: [
      'schemaVersion',
      'eventId',
      'instance',
      'object',
      'recordId',
      'updatedAt',
      'change',
      'returnType',
      'idempotencyKey',
      'runId',
      'payload',
    ],
    properties: {
      schemaVersion: { const: '1' },
      eventId: { type: 'string', minLength: 1 },
      instance: { type: 'string', minLength: 1 },
      object: { const: object.key },
      recordId: { type: 'integer' },
      updatedAt: instant,
      change: { const: change },
      returnType: { enum: [...EVENT_RETURN_TYPES] },
      idempotencyKey: {
        type: 'string',
        pattern: `^[^:]+:${object.key}:\\d+:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z(:[a-z][a-z0-9-]*)?$`,
      },
      runId: { type: 'string', minLength: 1 },
      payload: { enum: ['inline', 's3'] },
    },
  };
  const dataRef = {
    type: 'object',
    additionalProperties: false,
    required: ['bucket', 'key', 'bytes', 'sha256'],
    properties: {
      bucket: { type: 'string', minLength: 1 },
      key: { type: 'string', minLength: 1 },
      bytes: { type: 'integer', minimum: 0 },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
  };
  const whenMetadata = (property: string, value: string, rest: JsonSchema) => ({
    type: 'object',
    ...rest,
    properties: { metadata: { type: 'object', properties: { [property]: { const: value } } }, ...(rest.properties as object) },
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}/${detailTypeSlug(detailType)}.json`,
    title: detailType,
    description: `EventBridge detail of "${detailType}" (source coupa.<instance>). Exactly one of data / dataRef; data typed by metadata.returnType.`,
    type: 'object',
    additionalProperties: false,
    required: ['metadata'],
    properties: {
      metadata,
      data: { type: 'object', description: `The ${object.title} record as Coupa returned it (dashed keys, custom fields included).` },
      dataRef,
    },
    allOf: [
      {
        oneOf: [
          whenMetadata('payload', 'inline', { required: ['data'], properties: { data: { type: 'object' }, dataRef: false } }),
          whenMetadata('payload', 's3', { required: ['dataRef'], properties: { dataRef: { type: 'object' }, data: false } }),
        ],
      },
      {
        oneOf: EVENT_RETURN_TYPES.map((returnType) =>
          whenMetadata('returnType', returnType, { properties: { data: { $ref: `#/definitions/${records[returnType]}` } } }),
        ),
      },
    ],
    definitions: Object.fromEntries([...objectShapes.values()].map((shape) => [shape.name, shapeSchema(shape)])),
  };
}

const errorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['errorType', 'errorMessage'],
  properties: { errorType: { type: 'string', pattern: '^Coupa\\.' }, errorMessage: { type: 'string' } },
};

/**
 * The bus command contract (infra/examples/README.md): `Coupa Command` in, `Coupa Command Succeeded` or
 * `Coupa Command Failed` out (source `coupa.<instance>`), matched by `correlationId`.
 */
export function commandSchemas(): Map<string, Record<string, unknown>> {
  const base = (detailType: string, description: string) => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}/${detailTypeSlug(detailType)}.json`,
    title: detailType,
    description,
    type: 'object',
  });
  const command = {
    ...base(
      'Coupa Command',
      "A command for the connector of one Coupa instance: one action (create, update, get, query, request, mark_exported or a special action) on one object. Accepted only from the connector's commandSources (default coupa.<instance>.commands).",
    ),
    required: ['action', 'instance'],
    properties: {
      action: { type: 'string', minLength: 1 },
      instance: {
        type: 'string',
        minLength: 1,
        description: 'The Coupa instance the command is for (e.g. acme): only that connector runs it.',
      },
      object: { type: 'string', minLength: 1 },
      id: { type: 'integer', minimum: 1 },
      data: { type: 'object' },
      idempotencyKey: { type: 'string', minLength: 1, maxLength: 255 },
      correlationId: { type: 'string', minLength: 1 },
    },
  };
  const result = (outcome: 'Succeeded' | 'Failed') => ({
    ...base(
      `Coupa Command ${outcome}`,
      `The answer to a Coupa Command (${outcome === 'Succeeded' ? "the action's result" : 'why it failed'}).`,
    ),
    additionalProperties: false,
    required: ['schemaVersion', 'correlationId', 'commandId', 'action', 'object', 'id', outcome === 'Succeeded' ? 'result' : 'error'],
    properties: {
      schemaVersion: { const: '1' },
      correlationId: { type: 'string', minLength: 1 },
      commandId: { type: 'string', minLength: 1 },
      action: { type: ['string', 'null'] },
      object: { type: ['string', 'null'] },
      id: { type: ['integer', 'null'] },
      idempotencyKey: { type: 'string' },
      ...(outcome === 'Succeeded' ? { result: { type: 'object' } } : { error: errorSchema }),
    },
  });
  return new Map<string, Record<string, unknown>>([
    ['coupa-command.json', command],
    ['coupa-command-succeeded.json', result('Succeeded')],
    ['coupa-command-failed.json', result('Failed')],
  ]);
}

/** Every schema file: name → content, for all trigger objects and the bus commands. */
export function allDetailSchemas(objects: readonly CatalogObject[]): Map<string, Record<string, unknown>> {
  const files = new Map<string, Record<string, unknown>>(commandSchemas());
  for (const object of objects.filter((o) => o.capabilities.trigger)) {
    for (const change of ['created', 'updated'] as const) {
      files.set(`${detailTypeSlug(detailTypeOf(object, change))}.json`, detailSchemaOf(object, change));
    }
  }
  return files;
}
