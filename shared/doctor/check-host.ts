// Check 1: does the host answer like Coupa? An unauthenticated token request (no client, so nothing
// secret leaves) must come back from an OAuth 2.0 token endpoint: JSON with an RFC 6749 `error`.
import type { CoupaHost } from '../coupa';
import { exchange, jsonObject, redirectTarget, type Answer, type ExchangeOptions } from './exchange';
import { describeNetworkProblem } from './network-problem';
import type { CheckResult } from './types';

export interface HostCheck {
  readonly result: CheckResult;
  /** The probe's answer, for the clock check when no later answer has a `Date`. */
  readonly answer?: Answer;
}

export async function checkHost(host: CoupaHost, options: ExchangeOptions): Promise<HostCheck> {
  const outcome = await exchange(
    host.tokenUrl,
    {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    },
    options,
  );
  const fail = (message: string, answer?: Answer): HostCheck => ({
    result: { check: 'host', status: 'fail', message },
    ...(answer ? { answer } : {}),
  });
  if (outcome.kind === 'network') return fail(describeNetworkProblem(outcome, host, options.timeoutMs));
  const path = new URL(host.tokenUrl).pathname;
  if (outcome.status >= 300 && outcome.status < 400) {
    return fail(
      `${host.baseUrl} redirects ${path} to ${redirectTarget(outcome, host.tokenUrl)} (HTTP ${outcome.status}): not a Coupa API host; ` +
        'use the instance URL itself (https://<instance>.coupahost.com)',
      outcome,
    );
  }
  const body = jsonObject(outcome.body);
  if (typeof body?.error === 'string') {
    return {
      result: { check: 'host', status: 'ok', message: `${host.baseUrl} answers like Coupa (OAuth token endpoint at ${path})` },
      answer: outcome,
    };
  }
  const type = (outcome.headers.get('content-type') ?? 'no content type').split(';')[0];
  return fail(
    `${host.baseUrl} does not answer like Coupa: POST ${path} gave HTTP ${outcome.status} (${type}) instead of an OAuth error; ` +
      'check the host (the instance URL, not a login or vanity domain)',
    outcome,
  );
}
