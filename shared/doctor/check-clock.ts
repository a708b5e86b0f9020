// Check 5: Coupa's clock (the `Date` header) against ours. Pollers take their horizon from Coupa's
// clock, so a skew does not eat into lagSeconds; without a Date header they fall back to ours.
import type { Answer } from './exchange';
import type { CheckResult } from './types';

export function checkClock(answers: readonly (Answer | undefined)[], warnSeconds: number): CheckResult {
  for (const answer of answers) {
    const date = answer ? Date.parse(answer.headers.get('date') ?? '') : Number.NaN;
    if (!answer || Number.isNaN(date)) continue;
    // Date drops the milliseconds: Coupa's clock was somewhere in [date, date + 1 s), so take the middle.
    const skewSeconds = Math.round((date + 500 - answer.midpointMs) / 1000);
    const size = Math.abs(skewSeconds);
    const direction = skewSeconds >= 0 ? 'ahead of' : 'behind';
    if (size <= warnSeconds) {
      return {
        check: 'clock',
        status: 'ok',
        message: `Coupa's clock is within ${warnSeconds} s of this machine's (${signed(skewSeconds)} s)`,
      };
    }
    return {
      check: 'clock',
      status: 'warn',
      message:
        `Coupa's clock is ${size} s ${direction} this machine's: pollers take their horizon from Coupa's Date header, so lagSeconds ` +
        "need not cover this, but token expiry, leases and --since use this machine's clock; set it right (NTP)",
    };
  }
  return {
    check: 'clock',
    status: 'warn',
    message:
      "Coupa's answers carry no Date header: pollers fall back to this machine's clock, so lagSeconds must also cover any clock difference",
  };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
