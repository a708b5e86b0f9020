import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CatalogObject } from '../../../shared/catalog';
import { CoupaClient, resolveHost } from '../../../shared/coupa';
import { detailSchemaOf, detailTypeOf } from '../../../shared/events';
import { detailTypeSlug } from '../../../shared/events/detail-types';
import {
  type CustomFieldDiscovery,
  customFieldTypesSource,
  discoverCustomFields,
  instanceDetailSchema,
  sampleRecords,
} from '../../../shared/events/custom-fields';
import { objectShapesOf } from '../../../shared/events/schema';
import { loadCliCredentials } from '../credentials';
import { DEFAULT_OBJECTS } from '../defaults';
import type { CliIo } from '../io';
import { intFlag, objectsFlag, UsageError } from '../usage';

/**
 * Writes an instance's own event schemas: `schemas --host acme --objects invoices,suppliers --out DIR`.
 * Samples each object's most recently updated records (read scope only), finds their custom fields and
 * types them, then writes into DIR the Created/Updated JSON Schemas with those fields typed (same file
 * names and titles as shared/events/schemas), `custom-fields.json` (what was found) and `custom-fields.ts`
 * (TypeScript interfaces). CoupaConnector registers them with `schemaRegistry: { schemasDir: DIR }`.
 */
export async function schemasCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string' },
      objects: { type: 'string', default: DEFAULT_OBJECTS },
      out: { type: 'string' },
      credentials: { type: 'string' },
      sample: { type: 'string' },
      instance: { type: 'string' },
    },
  });
  if (!values.out) throw new UsageError('--out DIR is required: where the instance schemas go');
  if (!values.host && !values.credentials)
    throw new UsageError('--host is required (acme, acme.coupahost.com or a URL), or --credentials FILE');
  const sample = intFlag('sample', values.sample, { min: 1, max: 5000 }) ?? 200;
  const objects = objectsFlag(values.objects).map((object): CatalogObject => {
    if (!object.capabilities.trigger) throw new UsageError(`${object.key} has no change events, so no event schema to specialise`);
    if (object.parentParam)
      throw new UsageError(`${object.key} is served only under ${object.parentParam.parent}; sample it through its parent`);
    return object;
  });
  const login = await loadCliCredentials({ file: values.credentials, host: values.host, objects, access: 'read' });
  const host = (values.host ?? login.host)!;
  const instance = values.instance ?? resolveHost(host).instance;
  const client = new CoupaClient({ host, credentials: login.credentials });

  await mkdir(values.out, { recursive: true });
  const found: { object: CatalogObject; discovery: CustomFieldDiscovery }[] = [];
  for (const object of objects) {
    const records = await sampleRecords(client, object, sample);
    const discovery = discoverCustomFields(object, records);
    found.push({ object, discovery });
    const { records: recordNames } = objectShapesOf(object);
    for (const change of ['created', 'updated'] as const) {
      const schema = instanceDetailSchema(detailSchemaOf(object, change), [recordNames.default, recordNames.shallow], discovery, instance);
      await writeFile(
        path.join(values.out, `${detailTypeSlug(detailTypeOf(object, change))}.json`),
        `${JSON.stringify(schema, null, 2)}\n`,
      );
    }
    const listed = discovery.fields.map((f) => `${f.name}: ${f.type}${f.namespace === 'root' ? ' (root)' : ''}`).join(', ');
    io.err(`${object.key}: ${records.length} records sampled, ${discovery.fields.length} custom fields${listed ? ` (${listed})` : ''}`);
  }
  await writeFile(
    path.join(values.out, 'custom-fields.json'),
    `${JSON.stringify({ instance, objects: found.map((f) => f.discovery) }, null, 2)}\n`,
  );
  await writeFile(path.join(values.out, 'custom-fields.ts'), customFieldTypesSource(found, instance));
  io.out(`Wrote ${found.length * 2} schemas, custom-fields.json and custom-fields.ts to ${values.out}`);
  return 0;
}
