// Test-wide environment: skip aws-cdk-lib's slow CloudFormation validation plugin, silence the SDK's
// Node 20 notice, and give the SDK a region. Nothing here points at real AWS.
process.env.CDK_VALIDATION ??= 'false';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'us-east-1';
