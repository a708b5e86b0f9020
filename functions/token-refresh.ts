// The only writer of the credentials and token secrets. Scheduled: keep the stored Coupa access token
// valid ahead of expiry. Invoked synchronously by pollers and actions after a 401 or on expiry, with
// {"force":true,"rejectedTokenSha256":"…"} (shared/tokens/TokenRefresher.ts); by hand with
// {"force":true} to mint a new token now. One refresh at a time (the lease in TOKEN_LEASE_TABLE).
// Returns only {refreshed, expiresAt}: never the token.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { serveRefreshRequest } from '../shared/tokens/serve-refresh-request';
import { refreshEnvironment } from './lib/env';
import { awsRefreshDeps } from './lib/tokens';

const logger = new Logger({ serviceName: 'coupa-token-refresh' });
const { leaseTable, ...settings } = refreshEnvironment();
const deps = awsRefreshDeps(leaseTable, logger);

export const handler = middy(async function tokenRefresh(event: unknown) {
  return serveRefreshRequest(deps, settings, event);
}).use(injectLambdaContext(logger));
