import { isoUtc, parseInstant, TimeZoneRenderer } from '../../shared/simulator/time-zone';

describe('simulator time handling', () => {
  it('parses ISO-8601 with Z, offsets, fractions, and dates alone as midnight UTC', () => {
    expect(parseInstant('2026-03-08T01:59:59-08:00')).toBe(Date.UTC(2026, 2, 8, 9, 59, 59));
    expect(parseInstant('2026-03-08T09:59:59Z')).toBe(Date.UTC(2026, 2, 8, 9, 59, 59));
    expect(parseInstant('2026-03-08T10:59:59.250+0100')).toBe(Date.UTC(2026, 2, 8, 9, 59, 59, 250));
    expect(parseInstant('2026-03-08')).toBe(Date.UTC(2026, 2, 8));
    expect(parseInstant('2026-03-08T09:59')).toBe(Date.UTC(2026, 2, 8, 9, 59));
  });

  it('refuses what is not ISO-8601, including an offset whose + became a space', () => {
    for (const bad of ['2026-03-08T01:59:59 07:00', '2026-02-30', 'yesterday', '08/03/2026', '2026-13-01', ' 2026-03-08', '']) {
      expect(parseInstant(bad)).toBeUndefined();
    }
  });

  it('renders the offset each instant has in the zone (DST both ways, half-hour zones)', () => {
    const la = new TimeZoneRenderer('America/Los_Angeles');
    expect(la.render(Date.UTC(2026, 2, 8, 9, 59, 59))).toBe('2026-03-08T01:59:59-08:00');
    expect(la.render(Date.UTC(2026, 2, 8, 10, 0, 0))).toBe('2026-03-08T03:00:00-07:00');
    expect(la.render(Date.UTC(2026, 10, 1, 8, 59, 59))).toBe('2026-11-01T01:59:59-07:00');
    expect(la.render(Date.UTC(2026, 10, 1, 9, 0, 0))).toBe('2026-11-01T01:00:00-08:00');
    expect(new TimeZoneRenderer('Asia/Kolkata').render(Date.UTC(2026, 0, 1))).toBe('2026-01-01T05:30:00+05:30');
    expect(new TimeZoneRenderer('UTC').render(Date.UTC(1999, 11, 31, 23, 59, 59, 999))).toBe('1999-12-31T23:59:59+00:00');
    expect(isoUtc(Date.UTC(2026, 10, 27, 8, 0, 0, 999))).toBe('2026-11-27T08:00:00Z');
  });
});
