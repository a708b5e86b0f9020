// CDK app entry (cdk.json: `npx tsx infra/app.ts`). `CDK_NAG=1 npx cdk synth` adds cdk-nag's
// AwsSolutions checks; any unacknowledged finding fails the synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { config } from './config';
import { ExampleStack } from './ExampleStack';

const app = new App();
new ExampleStack(app, config.stackName, {
  connector: config,
  description: `Coupa connector for ${config.instance}: pollers for ${config.objects.map((o) => o.object).join(', ')}; token refresh, event bus, secrets`,
});
if (process.env.CDK_NAG === '1') {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
app.synth();
