// The rate budget in the synthesized template: one table, its settings in every poller's and action
// function's environment, and GetItem/UpdateItem on that table only (and nothing else on it).
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { rateBudgetEnvironment } from '../../functions/lib/rate-budget';
import { CoupaConnector } from '../../infra/CoupaConnector';
import { RATE_BUDGET_ACTIONS } from '../../infra/rate-budget';

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

type Statement = { Action: string | string[]; Resource: unknown };
type Cfn = { Properties: Record<string, any> };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function synth(props: Partial<ConstructorParameters<typeof CoupaConnector>[2]> = {}) {
  const stack = new Stack(noBundling(), 'Coupa');
  const connector = new CoupaConnector(stack, 'Connector', {
    instance: 'acme',
    host: 'https://acme.coupahost.com',
    pollers: [{ object: 'invoices' }, { object: 'suppliers' }],
    ...props,
  });
  return { connector, template: Template.fromStack(stack), stack };
}

describe('rate budget (CoupaConnector)', () => {
  const { connector, template, stack } = synth();
  const tableId = stack.getLogicalId(connector.rateBudget.table.node.defaultChild as never);
  const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as [string, Cfn][];
  const roleOf = (fn: Cfn) => fn.Properties.Role['Fn::GetAtt'][0] as string;
  const statementsOfRole = (roleId: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const onTable = (s: Statement) => JSON.stringify(s.Resource).includes(`"${tableId}"`);
  const drawing = functions.filter(([, fn]) => fn.Properties.Environment?.Variables?.RATE_BUDGET_TABLE);

  it('creates one table for the budget, keyed by pk', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    expect(template.findResources('AWS::DynamoDB::GlobalTable')[tableId]).toBeDefined();
  });

  it('gives the pollers, the action and the command function the table and the rate (default 20/s), parsed as the handlers parse it', () => {
    const descriptions = drawing.map(([, fn]) => String(fn.Properties.Description));
    expect(descriptions.filter((d) => /Publishes changed/.test(d))).toHaveLength(2);
    expect(descriptions.filter((d) => /Runs Coupa actions/.test(d))).toHaveLength(1);
    expect(descriptions.filter((d) => /Runs Coupa Command events/.test(d))).toHaveLength(1);
    for (const [, fn] of drawing) {
      const env = fn.Properties.Environment.Variables;
      expect(env.RATE_BUDGET_TABLE).toEqual({ Ref: tableId });
      expect(rateBudgetEnvironment({ RATE_BUDGET_TABLE: 'table', RATE_BUDGET_RPS: env.RATE_BUDGET_RPS })).toEqual({
        tableName: 'table',
        requestsPerSecond: 20,
      });
    }
  });

  it('grants exactly GetItem and UpdateItem on the table, to those functions only', () => {
    for (const [, fn] of functions) {
      const granted = statementsOfRole(roleOf(fn)).filter(onTable);
      if (fn.Properties.Environment?.Variables?.RATE_BUDGET_TABLE) {
        expect(granted.flatMap(actionsOf).sort()).toEqual([...RATE_BUDGET_ACTIONS].sort());
        expect(granted.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
      } else {
        expect(granted).toEqual([]);
      }
    }
  });

  it('takes the rate from the rateBudget prop and refuses an impossible one', () => {
    const { template: custom } = synth({ rateBudget: { requestsPerSecond: 12 } });
    const rates = Object.values(custom.findResources('AWS::Lambda::Function'))
      .map((fn) => (fn as Cfn).Properties.Environment?.Variables?.RATE_BUDGET_RPS)
      .filter(Boolean);
    expect(new Set(rates)).toEqual(new Set(['12']));
    expect(() => synth({ rateBudget: { requestsPerSecond: 0 } })).toThrow(/requestsPerSecond/);
  });
});
