import { describe, expect, it } from 'vitest';
import { cellText } from '../../../engine/format/index.js';
import { T, WINDOW_TYPE } from '../../../engine/types/data-type.js';

describe('cellText', () => {
  it('renders NULL at every depth', () => {
    expect(cellText(null, T.string, 'UTC')).toBe('NULL');
    expect(cellText(undefined, T.long, 'UTC')).toBe('NULL');
    expect(cellText([null, null], WINDOW_TYPE, 'UTC')).toBe('{NULL, NULL}');
    expect(cellText([null], T.array(T.string), 'UTC')).toBe('[NULL]');
    expect(cellText(new Map([[1, null]]), T.map(T.integer, T.string), 'UTC')).toBe('{1 -> NULL}');
    expect(cellText('x', T.null, 'UTC')).toBe('NULL');
  });

  it('renders a window in the session zone', () => {
    const start = Date.parse('2024-01-01T10:00:00Z') * 1000;
    expect(cellText([start, start + 60_000_000], WINDOW_TYPE, 'UTC')).toBe('{2024-01-01 10:00:00, 2024-01-01 10:01:00}');
    expect(cellText([start, start + 60_000_000], WINDOW_TYPE, 'Asia/Tokyo')).toBe(
      '{2024-01-01 19:00:00, 2024-01-01 19:01:00}',
    );
  });

  it('accepts structs and maps given as plain objects', () => {
    expect(cellText({ start: 0, end: 1 }, WINDOW_TYPE, 'UTC')).toBe('{1970-01-01 00:00:00, 1970-01-01 00:00:00.000001}');
    expect(cellText({ a: 1.0 }, T.map(T.string, T.double), 'UTC')).toBe('{a -> 1.0}');
    expect(cellText([['k', [1, 2]]], T.map(T.string, T.array(T.long)), 'UTC')).toBe('{k -> [1, 2]}');
  });

  it('renders scalars as Spark casts them', () => {
    expect(cellText(9007199254740993n, T.long, 'UTC')).toBe('9007199254740993');
    expect(cellText(false, T.boolean, 'UTC')).toBe('false');
    expect(cellText(0.1, T.float, 'UTC')).toBe('0.1');
    expect(cellText(2, T.double, 'UTC')).toBe('2.0');
    expect(cellText(new Uint8Array([0, 15, 16, 255]), T.binary, 'UTC')).toBe('[00 0F 10 FF]');
    expect(cellText(-719162, T.date, 'UTC')).toBe('0001-01-01');
    expect(cellText(1, T.timestamp_ntz, 'America/Los_Angeles')).toBe('1970-01-01 00:00:00.000001');
  });
});
