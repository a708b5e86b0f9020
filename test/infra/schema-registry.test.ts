// The construct's Schema Registry: one OpenAPI 3 schema per configured detail type, accepted by a real
// OpenAPI validator, within the registry's and CloudFormation's size limits.
import { Validator } from '@seriousme/openapi-schema-validator';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CoupaConnector, type CoupaConnectorProps } from '../../infra/CoupaConnector';
import { SCHEMA_CONTENT_LIMIT } from '../../infra/SchemaRegistry';
import { catalog } from '../../shared/catalog';
import { allDetailSchemas } from '../../shared/events';
import { registrySchemaOf } from '../../shared/events/registry-schema';

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const build = (props: Partial<CoupaConnectorProps>) => {
  const stack = new Stack(noBundling(), 'S');
  const connector = new CoupaConnector(stack, 'C', { instance: 'acme', ...props });
  return { connector, template: Template.fromStack(stack) };
};
type SchemaResource = { Properties: { Content: string; RegistryName: unknown; SchemaName: string; Type: string; Description: string } };
const schemasOf = (template: Template) => Object.values(template.findResources('AWS::EventSchemas::Schema')) as SchemaResource[];

async function openApiErrors(document: unknown): Promise<unknown> {
  const result = await new Validator().validate(document as Parameters<Validator['validate']>[0]);
  return result.valid ? undefined : result.errors;
}

describe('schema registry', () => {
  it('registers one OpenAPI 3 schema per configured detail type, in AWS event-schema form, in a new registry', async () => {
    const { template, connector } = build({ pollers: [{ object: 'invoices' }, { object: 'suppliers', returnType: 'shallow' }] });
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    const schemas = schemasOf(template);
    const registryId = Object.keys(template.findResources('AWS::EventSchemas::Registry'))[0];
    const detailTypes = schemas.map((s) => s.Properties.Description).sort();
    expect(detailTypes).toEqual(
      [
        'Coupa Invoice Created',
        'Coupa Invoice Updated',
        'Coupa Supplier Created',
        'Coupa Supplier Updated',
        'Coupa Command',
        'Coupa Command Succeeded',
        'Coupa Command Failed',
      ].sort(),
    );
    for (const { Properties: p } of schemas) {
      expect(p.Type).toBe('OpenApi3');
      expect(p.RegistryName).toEqual({ 'Fn::GetAtt': [registryId, 'RegistryName'] });
      expect(p.Content.length).toBeLessThanOrEqual(SCHEMA_CONTENT_LIMIT);
      const document = JSON.parse(p.Content);
      expect(await openApiErrors(document)).toBeUndefined();
      const event = document.components.schemas.AWSEvent;
      expect(event['x-amazon-events-detail-type']).toBe(p.Description);
      expect(event['x-amazon-events-source']).toBe(p.Description === 'Coupa Command' ? 'coupa.acme.commands' : 'coupa.acme');
      expect(p.SchemaName).toBe(`${event['x-amazon-events-source']}@${p.Description.replace(/ /g, '')}`);
      const detail = document.components.schemas[event.properties.detail.$ref.split('/').pop()];
      expect(detail.required).toContain(
        p.Description === 'Coupa Command' ? 'action' : p.Description.startsWith('Coupa Command') ? 'correlationId' : 'metadata',
      );
    }
    expect(Object.keys(connector.schemaRegistry!.schemas)).toHaveLength(7);
  });

  it('types the record in the registry form too: invoice-number a string, nullable', () => {
    const { template } = build({ pollers: [{ object: 'invoices' }] });
    const invoice = schemasOf(template).find((s) => s.Properties.Description === 'Coupa Invoice Updated')!;
    const { schemas } = JSON.parse(invoice.Properties.Content).components;
    expect(schemas.InvoiceRecord.properties['invoice-number']).toEqual({ type: 'string', nullable: true });
    expect(schemas.InvoiceRecord.properties.supplier).toEqual({ $ref: '#/components/schemas/Supplier' });
    expect(schemas.InvoiceShallowRecord.properties.supplier).toEqual({ $ref: '#/components/schemas/SupplierRef' });
  });

  it('registers into an existing registry by name, or not at all', () => {
    const existing = build({
      pollers: [{ object: 'invoices' }],
      enableActions: false,
      schemaRegistry: { existingRegistryName: 'shared-events' },
    }).template;
    existing.resourceCountIs('AWS::EventSchemas::Registry', 0);
    const schemas = schemasOf(existing);
    expect(schemas.map((s) => s.Properties.RegistryName)).toEqual(['shared-events', 'shared-events']); // no command schemas without commands
    const named = build({ pollers: [{ object: 'invoices' }], schemaRegistry: { registryName: 'coupa-acme' } }).template;
    named.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'coupa-acme' });
    const none = build({ pollers: [{ object: 'invoices' }], schemaRegistry: false }).template;
    none.resourceCountIs('AWS::EventSchemas::Registry', 0);
    none.resourceCountIs('AWS::EventSchemas::Schema', 0);
  });

  it('stays within CloudFormation limits with every trigger object configured', () => {
    const triggers = catalog.filter((o) => o.capabilities.trigger && !o.parentParam);
    const { template } = build({ pollers: triggers.map((o) => ({ object: o.key })) });
    expect(schemasOf(template)).toHaveLength(2 * triggers.length + 3);
    // A template uploaded through S3 may be 1 MB; the schemas must leave room for the rest.
    expect(JSON.stringify(template.toJSON()).length).toBeLessThan(1_000_000);
  });

  it('writes every detail schema in a form a real OpenAPI 3 validator accepts (and the validator does reject draft-07 forms)', async () => {
    for (const schema of allDetailSchemas(catalog).values()) {
      expect(await openApiErrors(registrySchemaOf(schema, 'coupa.acme'))).toBeUndefined();
    }
    const invalid = registrySchemaOf(allDetailSchemas(catalog).get('coupa-invoice-updated.json')!, 'coupa.acme') as {
      components: { schemas: { InvoiceRecord: { properties: Record<string, unknown> } } };
    };
    invalid.components.schemas.InvoiceRecord.properties['invoice-number'] = { type: ['string', 'null'] };
    expect(await openApiErrors(invalid)).toBeDefined();
  });
});
