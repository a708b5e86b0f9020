import type { JsonSchema } from './schema';

/**
 * The EventBridge Schema Registry form of a detail schema: an OpenAPI 3.0 document whose
 * `components.schemas.AWSEvent` is the whole event (envelope fields, `x-amazon-events-source`,
 * `x-amazon-events-detail-type`) and whose `detail` points at the detail schema, as AWS's own event
 * schemas are written. The registry takes OpenAPI 3 or JSON Schema Draft 4 only, so the draft-07 file is
 * rewritten: `definitions` become components, `const` an enum, `["T","null"]` `nullable`, `false` a
 * schema nothing matches.
 */
export function registrySchemaOf(detailSchema: JsonSchema, source: string): JsonSchema {
  const detailType = detailSchema.title as string;
  const detailName = detailType.replace(/[^A-Za-z0-9]/g, '');
  const definitions = (detailSchema.definitions ?? {}) as Record<string, JsonSchema>;
  const { $schema: _schema, $id: _id, definitions: _definitions, ...detail } = detailSchema;
  return {
    openapi: '3.0.0',
    info: { version: '1.0.0', title: detailType },
    paths: {},
    components: {
      schemas: {
        AWSEvent: {
          type: 'object',
          required: ['detail-type', 'resources', 'detail', 'id', 'source', 'time', 'region', 'version', 'account'],
          'x-amazon-events-detail-type': detailType,
          'x-amazon-events-source': source,
          properties: {
            detail: { $ref: `#/components/schemas/${detailName}` },
            account: { type: 'string' },
            'detail-type': { type: 'string' },
            id: { type: 'string' },
            region: { type: 'string' },
            resources: { type: 'array', items: { type: 'string' } },
            source: { type: 'string' },
            time: { type: 'string', format: 'date-time' },
            version: { type: 'string' },
          },
        },
        [detailName]: toOpenApi(detail),
        ...Object.fromEntries(Object.entries(definitions).map(([name, schema]) => [name, toOpenApi(schema)])),
      },
    },
  };
}

/** One draft-07 schema (of the subset `schema.ts` writes) as an OpenAPI 3.0 schema object. */
function toOpenApi(schema: unknown): JsonSchema {
  if (schema === false) return { not: {} };
  if (schema === true) return {};
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      if (types.length !== 1) throw new Error(`No OpenAPI 3.0 form for type ${JSON.stringify(value)}`);
      out.type = types[0];
      if (types.length < value.length) out.nullable = true;
    } else if (key === 'const') out.enum = [value];
    else if (key === '$ref') out.$ref = (value as string).replace('#/definitions/', '#/components/schemas/');
    else if (key === 'properties')
      out.properties = Object.fromEntries(Object.entries(value as JsonSchema).map(([name, sub]) => [name, toOpenApi(sub)]));
    else if (key === 'items' || key === 'not') out[key] = toOpenApi(value);
    else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') out[key] = (value as unknown[]).map(toOpenApi);
    else out[key] = value;
  }
  // OpenAPI 3.0 ignores `nullable` without a type; an enum of labels may still be null.
  if (out.enum && !out.type && Array.isArray(out.enum) && out.enum.every((v) => typeof v === 'string')) out.type = 'string';
  return out;
}
