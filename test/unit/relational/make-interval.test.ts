import { describe, expect, it } from 'vitest';
import { NotSupportedError, RuntimeDataError } from '../../../engine/errors/errors.js';
import { Tables } from './harness.js';

const one = async (sql: string): Promise<{ column: string; type: string; value: unknown }> => {
  const r = await new Tables().run(sql);
  return { column: r.columns[0] as string, type: r.types[0] as string, value: r.rows[0]?.[0] };
};

const ts = (iso: string): number => Date.parse(`${iso}Z`) * 1000;
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

// Values and names recorded from Spark 4.3.0 (session time zone UTC).
describe('make_interval added to timestamps and dates', () => {
  it('moves a timestamp by months, then days (weeks are 7), then the time part', async () => {
    expect(await one("SELECT TIMESTAMP'2024-01-31 10:00:00' + make_interval(0,1,1,1,2,3,4.5)")).toEqual({
      column: "TIMESTAMP '2024-01-31 10:00:00' + make_interval(0, 1, 1, 1, 2, 3, 4.5)",
      type: 'timestamp not null',
      value: ts('2024-03-08T12:03:04.500'),
    });
    expect((await one("SELECT TIMESTAMP'2024-01-31 10:00:00' + make_interval(0,0,-1,0,0,0,-1.25) AS t")).value).toBe(ts('2024-01-24T09:59:58.750'));
    expect((await one("SELECT TIMESTAMP'2024-01-31 10:00:00' - make_interval(1,0,0,0,0,0,0)")).value).toBe(ts('2023-01-31T10:00:00'));
  });

  it('names omitted arguments by their defaults, the interval on the right', async () => {
    expect(await one("SELECT make_interval(0,0,0,1) + TIMESTAMP'2024-01-31 10:00:00'")).toEqual({
      column: "TIMESTAMP '2024-01-31 10:00:00' + make_interval(0, 0, 0, 1, 0, 0, 0.000000)",
      type: 'timestamp not null',
      value: ts('2024-02-01T10:00:00'),
    });
  });

  it('keeps a date a date, and fails on a time part as Spark does', async () => {
    expect(await one("SELECT DATE'2024-01-31' + make_interval(0,1,0,1,0,0,0)")).toEqual({
      column: "DATE '2024-01-31' + make_interval(0, 1, 0, 1, 0, 0, 0)",
      type: 'date not null',
      value: day('2024-03-01'),
    });
    expect((await one("SELECT DATE'2024-01-31' - make_interval(0,1)")).value).toBe(day('2023-12-31'));
    const e = await one("SELECT DATE'2024-01-31' + make_interval(0,0,0,0,1,0,0)").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RuntimeDataError);
    expect((e as RuntimeDataError).errorClass).toBe('INVALID_INTERVAL_WITH_MICROSECONDS_ADDITION');
  });

  it('an interval-typed result column is NotSupported (Kindling has no interval type)', async () => {
    await expect(one('SELECT make_interval(1, 2, 3, 4, 5, 6, 7.5)')).rejects.toBeInstanceOf(NotSupportedError);
    await expect(one("SELECT TIMESTAMP'2024-01-31 10:00:00' + make_interval(0, 0, 0, length('ab'))")).rejects.toThrow(/non-literal arguments/);
  });
});
