import { describe, expect, it } from 'vitest';
import { IllegalArgumentError } from '../../../engine/errors/errors.js';
import {
  formatDate,
  formatTimestamp,
  fromLocalFields,
  isoUtcMillis,
  isValidTimeZone,
  localFields,
  parseDate,
  parseTimestamp,
  systemTimeZone,
  zoneOffsetMs,
} from '../../../engine/types/time.js';
import { INSTANTS, PARSE_VECTORS, SPARK_TEXT } from './spark-time-vectors.js';

const utc = (iso: string): number => Date.parse(iso) * 1000;

describe('formatTimestamp', () => {
  it.each(Object.entries(SPARK_TEXT))('matches Spark in %s (DST, LMT, pre-epoch, big years)', (tz, texts) => {
    expect(INSTANTS.map((us) => formatTimestamp(us, tz))).toEqual(texts);
  });

  it('trims trailing zeros of the fraction and floors negative instants', () => {
    expect(formatTimestamp(utc('2024-01-01T09:00:00.410Z'), 'UTC')).toBe('2024-01-01 09:00:00.41');
    expect(formatTimestamp(-1, 'UTC')).toBe('1969-12-31 23:59:59.999999');
    expect(formatTimestamp(-1_500_000, 'UTC')).toBe('1969-12-31 23:59:58.5');
  });

  it('prints the window vectors of DataFrameTimeWindowingSuite', () => {
    const texts = [
      '1969-12-31T23:59:55Z',
      '1970-01-01T00:00:05Z',
      '1969-12-30T23:59:55Z',
      '1969-12-31T00:00:05Z',
      '2016-03-27T19:39:30Z',
      '2016-03-27T19:40:01Z',
    ].map((iso) => formatTimestamp(utc(iso), 'UTC'));
    expect(texts).toEqual([
      '1969-12-31 23:59:55',
      '1970-01-01 00:00:05',
      '1969-12-30 23:59:55',
      '1969-12-31 00:00:05',
      '2016-03-27 19:39:30',
      '2016-03-27 19:40:01',
    ]);
    const ms = [240, 280, 520, 600, 680].map((m) => formatTimestamp(utc('2016-03-27T09:00:00Z') + m * 1000, 'UTC'));
    expect(ms).toEqual([
      '2016-03-27 09:00:00.24',
      '2016-03-27 09:00:00.28',
      '2016-03-27 09:00:00.52',
      '2016-03-27 09:00:00.6',
      '2016-03-27 09:00:00.68',
    ]);
  });

  it('handles a half-hour DST shift in the middle of a UTC hour (Lord Howe)', () => {
    const before = utc('2024-10-05T15:29:59Z');
    expect(formatTimestamp(before, 'Australia/Lord_Howe')).toBe('2024-10-06 01:59:59');
    expect(formatTimestamp(before + 1_000_000, 'Australia/Lord_Howe')).toBe('2024-10-06 02:30:00');
    // Asked out of order, the cached hour must still answer both sides.
    expect(formatTimestamp(before + 1_000_000, 'Australia/Lord_Howe')).toBe('2024-10-06 02:30:00');
    expect(formatTimestamp(before, 'Australia/Lord_Howe')).toBe('2024-10-06 01:59:59');
  });

  it('accepts Spark zone spellings and rejects unknown zones', () => {
    const t = utc('2024-01-01T00:00:00Z');
    expect(formatTimestamp(t, 'Z')).toBe('2024-01-01 00:00:00');
    expect(formatTimestamp(t, 'GMT')).toBe('2024-01-01 00:00:00');
    expect(formatTimestamp(t, '+8:00')).toBe('2024-01-01 08:00:00');
    expect(formatTimestamp(t, 'GMT+8')).toBe('2024-01-01 08:00:00');
    expect(formatTimestamp(t, 'UTC-05:30')).toBe('2023-12-31 18:30:00');
    expect(formatTimestamp(t, 'PST')).toBe('2023-12-31 16:00:00');
    expect(formatTimestamp(t, 'EST')).toBe('2023-12-31 19:00:00');
    expect(() => formatTimestamp(t, 'Mars/Olympus')).toThrow(IllegalArgumentError);
    expect(() => formatTimestamp(t, 'Mars/Olympus')).toThrow(/^\[INVALID_TIMEZONE\] The timezone: Mars\/Olympus is invalid/);
  });
});

describe('parseTimestamp and parseDate', () => {
  for (const { tz, rows } of PARSE_VECTORS) {
    it(`match Spark's casts in ${tz}`, () => {
      const got = rows.map(([s]) => {
        const d = parseDate(s);
        return [s, parseTimestamp(s, tz), d === null ? null : formatDate(d)];
      });
      expect(got).toEqual(rows.map((r) => [...r]));
    });
  }

  it('takes a time alone as today in the zone', () => {
    const now = utc('2024-06-01T23:30:00Z');
    expect(parseTimestamp('10:30:15', 'UTC', now / 1000)).toBe(utc('2024-06-01T10:30:15Z'));
    expect(parseTimestamp('T10:30:15', 'Asia/Tokyo', now / 1000)).toBe(utc('2024-06-02T01:30:15Z'));
  });

  it('round-trips with formatTimestamp', () => {
    for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata']) {
      for (const us of [0, -1, 1704067200123456, -62135596800000000]) {
        expect(parseTimestamp(formatTimestamp(us, tz), tz)).toBe(us);
      }
    }
  });
});

describe('local fields', () => {
  it('resolves DST gaps forward and overlaps to the earlier offset (java.time)', () => {
    const la = 'America/Los_Angeles';
    expect(fromLocalFields({ year: 2024, month: 3, day: 10, hour: 2, minute: 30 }, la)).toBe(utc('2024-03-10T10:30:00Z'));
    expect(fromLocalFields({ year: 2024, month: 11, day: 3, hour: 1, minute: 30 }, la)).toBe(utc('2024-11-03T08:30:00Z'));
    expect(fromLocalFields({ year: 2024, month: 3, day: 31, hour: 2, minute: 30 }, 'Europe/Berlin')).toBe(
      utc('2024-03-31T01:30:00Z'),
    );
  });

  it('splits an instant into calendar fields with an ISO day of week', () => {
    expect(localFields(utc('2024-01-01T23:30:00Z') + 7, 'Asia/Tokyo')).toEqual({
      year: 2024,
      month: 1,
      day: 2,
      hour: 8,
      minute: 30,
      second: 0,
      micros: 7,
      dayOfWeek: 2,
    });
    expect(localFields(-1, 'UTC')).toMatchObject({ year: 1969, month: 12, day: 31, second: 59, micros: 999_999, dayOfWeek: 3 });
  });

  it('reports zone offsets in milliseconds', () => {
    expect(zoneOffsetMs(Date.parse('2024-07-01T00:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(zoneOffsetMs(Date.parse('2024-01-01T00:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(0, '-05:30')).toBe(-19_800_000);
  });
});

describe('small helpers', () => {
  it('formats dates and progress timestamps', () => {
    expect(formatDate(0)).toBe('1970-01-01');
    expect(formatDate(-1)).toBe('1969-12-31');
    expect(formatDate(19_723)).toBe('2024-01-01');
    expect(isoUtcMillis(Date.parse('2024-01-01T10:00:00.042Z'))).toBe('2024-01-01T10:00:00.042Z');
    expect(isoUtcMillis(-1)).toBe('1969-12-31T23:59:59.999Z');
  });

  it('validates zone ids like java.time', () => {
    expect(isValidTimeZone('America/Los_Angeles')).toBe(true);
    expect(isValidTimeZone('+18:00')).toBe(true);
    expect(isValidTimeZone('+19:00')).toBe(false);
    expect(isValidTimeZone('z')).toBe(false);
    expect(isValidTimeZone('america/los_angeles')).toBe(false);
    expect(isValidTimeZone('US/Pacific')).toBe(true);
    expect(isValidTimeZone('Nowhere/Special')).toBe(false);
    expect(isValidTimeZone(systemTimeZone())).toBe(true);
  });
});
