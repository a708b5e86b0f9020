// Scheduled: keep the stored Coupa access token valid ahead of expiry. Invoke with {"force":true}
// to mint a new one now. Returns only {refreshed, expiresAt}: never the token.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { refreshStoredToken } from '../shared/tokens/refresh-stored-token';
import { numberEnv } from './lib/env';
import { awsTokenDeps, tokenSecretsFromEnv } from './lib/tokens';

const logger = new Logger({ serviceName: 'coupa-token-refresh' });
const deps = awsTokenDeps(logger);
const input = { ...tokenSecretsFromEnv(), minValidityMs: numberEnv('MIN_VALIDITY_SECONDS', 6 * 3600) * 1000 };

export const handler = middy(async function tokenRefresh(event?: { force?: boolean }) {
  const { refreshed, token } = await refreshStoredToken(deps, { ...input, force: event?.force === true });
  return { refreshed, expiresAt: new Date(token.expiresAt).toISOString() };
}).use(injectLambdaContext(logger));
