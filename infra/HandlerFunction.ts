// One Lambda built from a handler in functions/: local esbuild bundling (no Docker), nodejs24.x,
// its own log group with retention, JSON logs, and its own role that may only write to that log group
// (no AWSLambdaBasicExecutionRole, whose logs:* on every log group cdk-nag rightly flags as IAM4).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundlingRoots, handlerEntry } from './bundling-roots';

/** How every handler is bundled (ESM); the cold-start bench builds its bundles from this too. */
export const HANDLER_BUNDLING = {
  target: 'node20',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  // Lets CJS dependencies call require() from the ESM bundle.
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
  // The runtime's SDK v3; keeps bundles small.
  externalModules: ['@aws-sdk/*'],
} as const;

/** Lambda's own lines: START and REPORT are INFO, so WARN leaves them out (the cost bench counts on it). */
export const DEFAULT_SYSTEM_LOG_LEVEL = lambda.SystemLogLevel.WARN;

/** How the connector's functions log (CoupaConnectorProps.logRetention and .systemLogLevel). */
export interface FunctionLogging {
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly retention?: logs.RetentionDays;
  /** Lambda's own lines: WARN leaves out START and REPORT. @default lambda.SystemLogLevel.WARN */
  readonly systemLogLevel?: lambda.SystemLogLevel;
}

export interface HandlerFunctionProps {
  /** File under functions/, e.g. `token-refresh.ts`. */
  readonly handlerFile: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  readonly logging?: FunctionLogging;
  /** @default - no reserved concurrency (the account's unreserved pool) */
  readonly reservedConcurrentExecutions?: number;
}

export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logging?.retention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);

    // From this repository or from node_modules/coupa-connector (infra/bundling-roots.ts).
    const { projectRoot, depsLockFilePath } = bundlingRoots();
    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.handlerFile),
      projectRoot,
      depsLockFilePath,
      description: props.description,
      // nodejs20.x is deprecated on Lambda; the bundle still targets node20 so it also runs locally.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      role: this.role,
      logGroup: this.logGroup,
      // JSON, so Lambda can filter its own lines by level. Powertools writes JSON lines with a `level`;
      // the metrics (EMF) lines have none and count as INFO, so the application level stays INFO.
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: props.logging?.systemLogLevel ?? DEFAULT_SYSTEM_LOG_LEVEL,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        ...HANDLER_BUNDLING,
        mainFields: [...HANDLER_BUNDLING.mainFields],
        externalModules: [...HANDLER_BUNDLING.externalModules],
      },
    });
  }
}
