// Staggered poller schedules. EventBridge cron has minute resolution, so pollers are spread over the
// minutes of their interval: the poller at index i of `pollers` fires at minutes ≡ i (mod interval),
// e.g. with 5-minute intervals invoices at :00, :05, …, purchase_orders at :01, :06, …, suppliers at :02, ….
// A cron (unlike `rate()`, whose phase is the deploy time) keeps the offsets fixed across deploys, and two
// runs of one poller are always exactly one interval apart, which the timeout check relies on.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';

/** Minute intervals a cron can repeat evenly within an hour. */
export const MINUTE_INTERVALS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60] as const;
/** Hour intervals a cron can repeat evenly within a day. */
export const HOUR_INTERVALS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/** Why `interval` cannot be a staggered schedule, or undefined when it can. */
export function scheduleProblem(interval: Duration): string | undefined {
  const minutes = interval.toMinutes({ integral: false });
  if ((MINUTE_INTERVALS as readonly number[]).includes(minutes)) return undefined;
  if (minutes % 60 === 0 && (HOUR_INTERVALS as readonly number[]).includes(minutes / 60)) return undefined;
  return (
    `schedule must be ${MINUTE_INTERVALS.join(', ')} minutes or ${HOUR_INTERVALS.join(', ')} hours ` +
    `(an interval that divides an hour or a day, so runs stay evenly spaced and staggered); got ${interval.toHumanString()}`
  );
}

/** The minute offset (0–59) of the poller at `index` for a valid `interval`. */
export function staggerMinute(interval: Duration, index: number): number {
  const minutes = interval.toMinutes({ integral: false });
  return minutes < 60 ? index % minutes : index % 60;
}

/** The cron schedule of the poller at `index`: every `interval`, offset by {@link staggerMinute}. */
export function staggeredSchedule(interval: Duration, index: number): events.Schedule {
  const problem = scheduleProblem(interval);
  if (problem) throw new Error(problem);
  const minutes = interval.toMinutes({ integral: false });
  const offset = staggerMinute(interval, index);
  if (minutes < 60) return events.Schedule.cron({ minute: `${offset}/${minutes}` });
  const hours = minutes / 60;
  return events.Schedule.cron({ minute: String(offset), hour: hours === 1 ? '*' : hours === 24 ? '0' : `0/${hours}` });
}

export const DEFAULT_POLL_INTERVAL = Duration.minutes(5);
