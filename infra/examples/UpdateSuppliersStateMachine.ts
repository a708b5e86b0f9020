// Example state machine to copy: query Coupa suppliers, then set custom fields on each, through the
// connector's action function. Shows the three things every Coupa state machine needs:
// - Retry on `Coupa.RateLimited` and `Coupa.Transient` with backoff (Coupa allows 25 requests/s);
// - Catch on `Coupa.Validation` (Coupa refused the data: retrying cannot help) and `Coupa.UnknownOutcome`
//   (the write may have been applied: never retry it) into a state that records the failure, so one bad
//   supplier does not fail the whole run;
// - an idempotencyKey per write (execution name + supplier id), so a retried or re-driven update
//   reaches Coupa once.
//
// Execution input:
//   { "filters": { "status": "active" }, "customFields": { "cf-integration-status": "synced" } }
// Output: { "count": 12, "truncated": false, "results": [ { "id": 3, "status": "updated" },
//           { "id": 4, "status": "failed", "error": "Coupa.Validation", "cause": "{\"errorType\":…}" } ] }
// `truncated: true` means more suppliers matched than `limit` (50): run again with a narrower filter.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface UpdateSuppliersStateMachineProps {
  /** The connector's action function (`CoupaConnector.actionFunction`). */
  readonly actionFunction: lambda.IFunction;
  /** Suppliers per run (the query's `limit`). @default 50 */
  readonly limit?: number;
  /** First wait before retrying a throttled or transient failure; doubles per attempt. @default Duration.seconds(5) */
  readonly retryInterval?: Duration;
  /** Attempts in all (first try included) for throttled or transient failures. @default 4 */
  readonly retryMaxAttempts?: number;
  /** Suppliers updated at the same time. @default 2 */
  readonly maxConcurrency?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Errors worth waiting for: Coupa throttling (429) and transient faults (5xx, timeouts, an identical write
 * in progress). Never `Coupa.UnknownOutcome`: that write may have been applied, and a retry could apply it twice.
 */
export const RETRYABLE_ERRORS = ['Coupa.RateLimited', 'Coupa.Transient'];
/** Errors that are answers: Coupa refused the data, the supplier is gone, or a write's outcome is unknown (check Coupa). */
export const CAUGHT_ERRORS = ['Coupa.Validation', 'Coupa.NotFound', 'Coupa.UnknownOutcome'];

export class UpdateSuppliersStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: UpdateSuppliersStateMachineProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Example: set custom fields on the Coupa suppliers a query finds',
      definitionBody: sfn.DefinitionBody.fromChainable(updateSuppliersDefinition(this, props)),
      tracingEnabled: true,
      // ALL for the example's history; execution data stays out of the logs (records hold business data).
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    const fnArn = Stack.of(this).resolve(props.actionFunction.functionArn) as unknown;
    const fnRef =
      typeof fnArn === 'object' && fnArn !== null && 'Fn::GetAtt' in fnArn
        ? `<${(fnArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'].join('.')}>`
        : String(fnArn);
    Validations.of(this.stateMachine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${fnRef}:*]`,
      reason:
        'CDK grants lambda:InvokeFunction on the action function and its versions/aliases (<arn>:*) so that a task may name a ' +
        'qualified ARN; it is the one function this state machine calls.',
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs vended log delivery (logs:CreateLogDelivery, PutResourcePolicy, DescribeLogGroups, …) and X-Ray ' +
        '(PutTraceSegments, PutTelemetryRecords, GetSampling*) support no resource-level permissions; AWS documents "*" for them.',
    });
  }
}

/** The states, for this construct or for your own state machine. */
export function updateSuppliersDefinition(scope: Construct, props: UpdateSuppliersStateMachineProps): sfn.IChainable {
  const retry: sfn.RetryProps = {
    errors: RETRYABLE_ERRORS,
    interval: props.retryInterval ?? Duration.seconds(5),
    maxAttempts: (props.retryMaxAttempts ?? 4) - 1,
    backoffRate: 2,
  };

  const query = new tasks.LambdaInvoke(scope, 'QuerySuppliers', {
    lambdaFunction: props.actionFunction,
    payloadResponseOnly: true,
    payload: sfn.TaskInput.fromObject({
      action: 'query',
      object: 'suppliers',
      query: { filters: sfn.JsonPath.objectAt('$.filters'), limit: props.limit ?? 50 },
      // Only what the updates need: keeps the state small (Step Functions allows 256 KB).
      fields: ['id', 'name'],
    }),
    resultPath: '$.suppliers',
  }).addRetry(retry);

  const update = new tasks.LambdaInvoke(scope, 'UpdateSupplier', {
    lambdaFunction: props.actionFunction,
    payloadResponseOnly: true,
    payload: sfn.TaskInput.fromObject({
      action: 'update',
      object: 'suppliers',
      id: sfn.JsonPath.numberAt('$.id'),
      data: { 'custom-fields': sfn.JsonPath.objectAt('$.customFields') },
      returnType: 'limited',
      // Same key on every retry and re-drive of this execution: the update reaches Coupa once.
      idempotencyKey: sfn.JsonPath.format('{}:suppliers:{}', sfn.JsonPath.stringAt('$.execution'), sfn.JsonPath.stringAt('$.id')),
    }),
    resultSelector: { id: sfn.JsonPath.numberAt('$.id'), status: 'updated' },
  }).addRetry(retry);

  const recordFailure = new sfn.Pass(scope, 'RecordFailure', {
    comment: "Coupa refused this supplier's update; keep the reason and go on with the others",
    parameters: {
      id: sfn.JsonPath.numberAt('$.id'),
      status: 'failed',
      error: sfn.JsonPath.stringAt('$.failure.Error'),
      cause: sfn.JsonPath.stringAt('$.failure.Cause'),
    },
  });
  update.addCatch(recordFailure, { errors: CAUGHT_ERRORS, resultPath: '$.failure' });

  const eachSupplier = new sfn.Map(scope, 'EachSupplier', {
    itemsPath: '$.suppliers.records',
    maxConcurrency: props.maxConcurrency ?? 2,
    itemSelector: {
      id: sfn.JsonPath.numberAt('$$.Map.Item.Value.id'),
      customFields: sfn.JsonPath.objectAt('$.customFields'),
      execution: sfn.JsonPath.stringAt('$$.Execution.Name'),
    },
    resultPath: '$.results',
  });
  eachSupplier.itemProcessor(update);

  const done = new sfn.Pass(scope, 'Done', {
    parameters: {
      count: sfn.JsonPath.numberAt('$.suppliers.count'),
      truncated: sfn.JsonPath.stringAt('$.suppliers.truncated'),
      results: sfn.JsonPath.listAt('$.results'),
    },
  });

  return query.next(eachSupplier).next(done);
}
