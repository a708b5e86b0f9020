// The connection check behind `doctor`: host, grant, granted scopes, one read per object, clock skew,
// in that order, each a line that names its fix. Shared by the CLI (local or deployed credentials).
import { getObject } from '../catalog';
import { resolveHost, type CoupaHost } from '../coupa';
import { checkClock } from './check-clock';
import { checkGrant, grantFromRefresher } from './check-grant';
import { checkHost } from './check-host';
import { checkGranted, checkRead } from './check-scopes';
import type { Answer, ExchangeOptions } from './exchange';
import type { CheckName, CheckResult, DoctorDeps, DoctorInput, DoctorReport } from './types';

export const DEFAULT_CLOCK_SKEW_WARN_SECONDS = 60;
export const DEFAULT_DOCTOR_TIMEOUT_MS = 15_000;

/**
 * Checks that the connector can work with a Coupa instance. Never throws for what it finds (a bad
 * host, a refused client): each finding is a failing line. Never sends the client secret anywhere but
 * the token endpoint, never follows redirects, never reports a secret.
 *
 * @throws {UnknownObjectError} for an object key not in the catalog (a caller mistake).
 * @example
 * const report = await diagnose({ host: 'acme', credentials: { clientId, clientSecret, scopes }, objects: ['invoices'] });
 * for (const line of formatReport(report)) console.log(line);
 */
export async function diagnose(input: DoctorInput, deps: DoctorDeps = {}): Promise<DoctorReport> {
  const objects = input.objects.map((key) => getObject(key));
  const options: ExchangeOptions = {
    fetch: deps.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    now: deps.now ?? Date.now,
    timeoutMs: input.timeoutMs ?? DEFAULT_DOCTOR_TIMEOUT_MS,
  };
  const scopesSetting = input.scopesSetting ?? "the credentials' scopes";
  const checks: CheckResult[] = [];
  const skip = (from: CheckName[], why: string): void => {
    for (const check of from) {
      if (check === 'scope')
        for (const o of objects) checks.push({ check, status: 'skip', object: o.key, message: `${o.key}: not checked, ${why}` });
      else checks.push({ check, status: 'skip', message: `not checked, ${why}` });
    }
  };

  let host: CoupaHost;
  try {
    host = resolveHost(input.host);
  } catch (error) {
    checks.push({ check: 'host', status: 'fail', message: (error as Error).message });
    skip(['grant', 'granted', 'scope', 'clock'], 'the host setting is unusable');
    return report(checks);
  }
  const probe = await checkHost(host, options);
  checks.push(probe.result);
  if (probe.result.status === 'fail') {
    skip(['grant', 'granted', 'scope', 'clock'], 'the host check failed');
    return report(checks);
  }

  const reloginHint = input.reloginHint ?? 'run `auth login` again';
  const grant = deps.obtainToken
    ? await grantFromRefresher(deps.obtainToken, input.credentials, reloginHint)
    : await checkGrant(host, input.credentials, {
        ...options,
        reloginHint,
        ...(deps.onRefreshTokenRotated ? { onRefreshTokenRotated: deps.onRefreshTokenRotated } : {}),
      });
  checks.push(grant.result);
  const answers: (Answer | undefined)[] = [];
  if (grant.accessToken === undefined) {
    skip(['granted', 'scope'], 'no token');
    checks.push(checkClock([grant.answer, probe.answer], input.clockSkewWarnSeconds ?? DEFAULT_CLOCK_SKEW_WARN_SECONDS));
    return report(checks);
  }
  checks.push(checkGranted(input.objects, grant.granted, grant.requested, scopesSetting));
  for (const object of objects) {
    const read = await checkRead(host, object, grant.accessToken, grant.requested, scopesSetting, options);
    checks.push(read.result);
    answers.push(read.answer);
  }
  // API answers first: their Date is the clock pollers use.
  checks.push(checkClock([...answers, grant.answer, probe.answer], input.clockSkewWarnSeconds ?? DEFAULT_CLOCK_SKEW_WARN_SECONDS));
  return report(checks);
}

const report = (checks: readonly CheckResult[]): DoctorReport => ({ ok: checks.every((c) => c.status !== 'fail'), checks: [...checks] });
