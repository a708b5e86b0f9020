/**
 * Datetimes as Coupa renders them: in the instance's time zone with its UTC offset at that instant
 * (`2026-03-08T01:59:59-08:00`, one second later `2026-03-08T03:00:00-07:00`), and parsing of the
 * ISO-8601 values clients send in filters and bodies.
 */

const FIFTEEN_MINUTES = 15 * 60 * 1000;

export class TimeZoneRenderer {
  private readonly format: Intl.DateTimeFormat;
  /** Offsets change only on quarter-hour instants in every IANA zone: cache per 15-minute bucket. */
  private readonly offsetCache = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** The zone's offset from UTC in minutes at `epochMs` (e.g. -420 for PDT). */
  offsetMinutes(epochMs: number): number {
    const bucket = Math.floor(epochMs / FIFTEEN_MINUTES);
    let offset = this.offsetCache.get(bucket);
    if (offset === undefined) {
      const at = bucket * FIFTEEN_MINUTES;
      const p = this.parts(at);
      const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
      offset = Math.round((asUtc - at) / 60000);
      this.offsetCache.set(bucket, offset);
    }
    return offset;
  }

  /** `epochMs` as `YYYY-MM-DDTHH:MM:SS±HH:MM` in the zone (whole seconds). */
  render(epochMs: number): string {
    const offset = this.offsetMinutes(epochMs);
    const local = civilTime(Math.floor(epochMs / 1000) + offset * 60);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  private parts(epochMs: number): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
    const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of this.format.formatToParts(epochMs)) {
      if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
    }
    return out;
  }
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DDTHH:MM:SS` of a count of seconds since the epoch (Hinnant's civil-from-days; hot path, no Date). */
function civilTime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(rest / 3600);
  const mm = Math.floor((rest % 3600) / 60);
  return `${year}-${pad(month)}-${pad(day)}T${pad(hh)}:${pad(mm)}:${pad(rest % 60)}`;
}

/** `epochMs` as `2026-11-27T08:00:00Z` (whole seconds): the canonical, zone-free form. */
export const isoUtc = (epochMs: number): string => new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses an ISO-8601 date or datetime to epoch ms, or returns undefined. A date without a time means
 * midnight UTC (Coupa's docs); a time without an offset is read as UTC too (not documented). A value
 * whose `+` was decoded to a space (`...T00:00:00 07:00`) does not parse — as in Coupa.
 */
export function parseInstant(text: string): number | undefined {
  const m = ISO_PATTERN.exec(text.trim() === text ? text : '');
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  if (new Date(ms).getUTCDate() !== day) return undefined; // 2026-02-30
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
  }
  return ms;
}
