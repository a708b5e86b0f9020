// One line per check: `ok    host        https://acme.coupahost.com answers like Coupa (…)`.
import type { CheckResult, DoctorReport } from './types';

const LABEL: Record<CheckResult['status'], string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export function formatReport(report: DoctorReport): string[] {
  return report.checks.map((c) => `${LABEL[c.status].padEnd(6)}${c.check.padEnd(12)}${c.message}`);
}
