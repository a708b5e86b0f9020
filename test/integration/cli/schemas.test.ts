// `schemas` through the package bin against the simulator: the instance's custom fields discovered from
// sampled records, written as typed JSON Schemas that real events pass and wrongly typed custom fields
// fail (Ajv strict), plus custom-fields.json/.ts; and the construct registers them (schemasDir).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv from 'ajv';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CoupaConnector } from '../../../infra/CoupaConnector';
import { getObject } from '../../../shared/catalog';
import { detailSchemaOf } from '../../../shared/events';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { cliError, runCli, simulatorClientEnv } from '../../support/cli';
import { pollEntries } from '../../support/real-events';

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, records: 20, rateLimit: false });
  dir = await mkdtemp(path.join(tmpdir(), 'coupa-schemas-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const schemas = (args: string[]) => runCli(['schemas', ...args], { env: simulatorClientEnv() });
const readJson = async (file: string) => JSON.parse(await readFile(path.join(dir, file), 'utf8'));

describe('CLI: schemas', () => {
  it('discovers custom fields by sampling and writes instance schemas, custom-fields.json and .ts', async () => {
    const { code, stdout, stderr } = await schemas([
      '--host',
      sim.baseUrl,
      '--objects',
      'invoices,suppliers',
      '--out',
      dir,
      '--instance',
      'acme',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('Wrote 4 schemas');
    expect(stderr).toMatch(
      /^invoices: 20 records sampled, 4 custom fields \(cf-cost-center: string, cf-erp-number: string, cf-integration-status: string, erp-batch-reference: string \(root\)\)$/m,
    );

    const found = await readJson('custom-fields.json');
    expect(found.instance).toBe('acme');
    const invoiceFields = found.objects.find((o: { object: string }) => o.object === 'invoices').fields;
    expect(invoiceFields.find((f: { name: string }) => f.name === 'cf-cost-center')).toMatchObject({ type: 'string', nullable: false });

    const types = await readFile(path.join(dir, 'custom-fields.ts'), 'utf8');
    expect(types).toContain('export interface InvoiceCustomFields {');
    expect(types).toContain('"cf-cost-center"?: string;');
    expect(types).toContain('"cf-erp-number"?: string | null;');
    expect(types).toContain('export interface InvoiceCustomFieldsAtRoot {'); // the API-global-namespace field
  });

  it('writes schemas that real events pass and a wrongly typed custom field fails, in Ajv strict mode', async () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    const instance = await readJson('coupa-invoice-created.json');
    expect(instance.title).toBe('Coupa Invoice Created');
    const validate = ajv.compile(instance);
    const generic = new Ajv({ strict: true }).compile(detailSchemaOf(getObject('invoices'), 'created'));
    const entries = await pollEntries(sim, getObject('invoices'), 'default');
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries.filter((e) => e.DetailType === 'Coupa Invoice Created')) {
      const detail = JSON.parse(entry.Detail);
      expect(validate(detail)).toBe(true);
      const wrong = { ...detail, data: { ...detail.data, 'custom-fields': { ...detail.data['custom-fields'], 'cf-cost-center': 100 } } };
      expect(validate(wrong)).toBe(false);
      expect(generic(wrong)).toBe(true); // the generic schema leaves custom fields open
    }
  });

  it('names what is wrong: no --out, an object without events', async () => {
    const noOut = await schemas(['--host', sim.baseUrl]);
    expect(noOut.code).toBe(2);
    expect(cliError(noOut.stderr).errorMessage).toMatch(/--out DIR is required/);
    const noEvents = await schemas(['--host', sim.baseUrl, '--objects', 'remit_to_addresses', '--out', dir]);
    expect(noEvents.code).toBe(2);
  });

  it('the construct registers the instance schemas from schemasDir, valid OpenAPI 3', async () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');
    new CoupaConnector(stack, 'C', {
      instance: 'acme',
      pollers: [{ object: 'invoices' }, { object: 'users' }],
      schemaRegistry: { schemasDir: dir },
    });
    const resources = Object.values(Template.fromStack(stack).findResources('AWS::EventSchemas::Schema')) as {
      Properties: { Description: string; Content: string };
    }[];
    const invoice = resources.find((r) => r.Properties.Description === 'Coupa Invoice Updated')!;
    expect(invoice.Properties.Content).toContain('cf-cost-center');
    const users = resources.find((r) => r.Properties.Description === 'Coupa User Updated')!;
    expect(users.Properties.Content).not.toContain('cf-cost-center'); // no instance file: the generic schema
    const result = await new Validator().validate(JSON.parse(invoice.Properties.Content));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
