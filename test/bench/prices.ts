// The AWS price list the cost bench (`npm run bench -- --cost`) multiplies measured counts by:
// us-east-1 on-demand list prices in USD, no free tier. Change them here for another region.
export const PRICES = {
  /** Lambda, arm64: per GB-second of billed duration (1 ms granularity). */
  lambdaGbSecond: 0.0000133334,
  /** Lambda: per request. */
  lambdaRequest: 0.2 / 1e6,
  /** EventBridge PutEvents: per event (each 64 KB started of an entry is one event). */
  eventBridgeEvent: 1.0 / 1e6,
  /** DynamoDB on demand: per write request unit (an item up to 1 KB) and read request unit (4 KB strongly consistent, 8 KB eventually). */
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  /** Secrets Manager: per API call (GetSecretValue); the secrets' own $0.40/month each are fixed, not per run. */
  secretsManagerCall: 0.05 / 10_000,
  /** S3 Standard: PUT and GET requests. */
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  /** SQS standard: per request (dead letters). */
  sqsRequest: 0.4 / 1e6,
  /** CloudWatch Logs: per GB ingested (the handler's log lines and Lambda's START/END/REPORT lines). */
  logsIngestedGb: 0.5,
} as const;

/**
 * Bytes of Lambda's own START, END and REPORT lines per invocation, logged only at system log level
 * INFO or DEBUG (the connector deploys WARN by default: infra/HandlerFunction.ts).
 */
export const LAMBDA_PLATFORM_LOG_BYTES = 300;

/** Scheduled runs per month are counted over AWS's billing month of 730 hours. */
export const HOURS_PER_MONTH = 730;

/**
 * Fixed monthly prices that do not depend on runs (printed beside the per-run model): a custom metric
 * (per metric name and dimension set, pro-rated by the hours it is published), a standard alarm, a
 * dashboard (beyond the first three of an account), a secret.
 */
export const FIXED_PRICES = {
  customMetric: 0.3,
  alarm: 0.1,
  dashboard: 3.0,
  secret: 0.4,
} as const;
