import { describe, expect, it } from 'vitest';
import { formatStateFile, parseStateFile, type StateFileContent } from '../../../engine/state/state-file.js';
import { stateKeyFromText, stateKeyOf, WHOLE_KEY } from '../../../engine/state/state-key.js';
import { encodeKey, type StateRow } from '../../../engine/state/state-store.js';

const result = (rows: StateFileContent['rows']): NonNullable<StateFileContent['result']> => ({
  rows,
  numRowsTotal: 3,
  numRowsUpdated: 2,
  numRowsRemoved: 1,
  numRowsDroppedByWatermark: 0,
  memoryUsedBytes: 640,
});

const row = (keyValues: readonly unknown[], eventTimeUs: number | null, buffers: unknown[]): StateRow => ({ ...stateKeyOf(keyValues), eventTimeUs, buffers });

/** -0 reads back as 0 (JSON writes both as 0). */
const unsigned = (rows: readonly StateRow[]): StateRow[] => rows.map((r) => ({ ...r, buffers: r.buffers.map((b) => (Object.is(b, -0) ? 0 : b)) }));

describe('state files', () => {
  it('round-trips rows, removals and the recorded result, keys with tabs, quotes, newlines and @ included', () => {
    const content: StateFileContent = {
      batchId: 7,
      rows: [
        row([[0, 60_000_000], 'a\tb\n"c"'], 60_000_000, [3, null]),
        row([[30_000_000, 90_000_000], 'a\tb\n"c"'], 90_000_000, [4, 1]),
        row([null, 'x'], null, [-0, 1.5e300]),
        row([[0, 60_000_000], '@d'], 60_000_000, [1, 2]),
        row(['s'], 5, [['x', 'y'], { n: 1 }]),
        row([1, [2, 3]], 7, [4]),
        row([1, [4]], 7, [5]),
        row([[0, 60_000_000], '@e'], null, [1, 2]),
        row([true, 1.5, -2, null], 8, [5]),
        row(['@'], 9, [6]),
      ],
      removed: [stateKeyOf([[0, 30_000_000], 'gone\n']), stateKeyOf([[1, 2]]), stateKeyOf([3])],
      result: result([row(['s'], 5, [1])]),
    };
    const text = formatStateFile(content);
    const back = parseStateFile(text);
    // Rows come back group by group (first-seen group order).
    const byText = (rows: readonly StateRow[]): StateRow[] => [...rows].sort((a, b) => (encodeKey([a.group, a.member]) < encodeKey([b.group, b.member]) ? -1 : 1));
    expect(byText(back.rows)).toEqual(byText(unsigned(content.rows)));
    expect(back.removed).toHaveLength(3);
    expect(new Set(back.removed.map((k) => JSON.stringify([k.group, k.member === WHOLE_KEY ? '*' : k.member])))).toEqual(
      new Set(content.removed.map((k) => JSON.stringify([k.group, k.member === WHOLE_KEY ? '*' : k.member]))),
    );
    expect(back.result).toEqual(content.result);
    expect(back.batchId).toBe(7);
  });

  it('writes a window once per group, not once per row, and result rows that are the upserts once', () => {
    const rows = Array.from({ length: 50 }, (_, i) => row([[1_700_000_000_000_000, 1_700_000_060_000_000], `w${i}`], 1_700_000_060_000_000, [i]));
    const text = formatStateFile({ batchId: 1, rows, removed: [], result: result(rows) });
    expect(text.split('1700000000000000').length - 1).toBe(1);
    const back = parseStateFile(text);
    expect(back.rows).toEqual(rows);
    expect(back.result?.rows).toEqual(rows);
  });

  it('keeps non-finite numbers', () => {
    const content: StateFileContent = {
      batchId: 0,
      rows: [row(['x'], null, [Infinity, -Infinity, NaN, 2])],
      removed: [],
      result: undefined,
    };
    expect(parseStateFile(formatStateFile(content))).toEqual(content);
  });

  it('reads version 1 files (a line per row with its key text), so older checkpoints restart', () => {
    const v1 = [
      'kindling-state-rows 1',
      JSON.stringify({ batchId: 4, rowCount: 2, removedCount: 1, result: { ...result([]), rows: undefined, rowCount: 1 } }),
      `${encodeKey([[0, 60], 'a'])}\t60\t[3]`,
      `${encodeKey([[0, 60], [1]])}\t\t[{"$num":"Infinity"}]`,
      encodeKey([[0, 60], 'b']),
      `${encodeKey([[0, 60], 'a'])}\t60\t[3]`,
      '',
    ].join('\n');
    expect(parseStateFile(v1)).toEqual({
      batchId: 4,
      rows: [row([[0, 60], 'a'], 60, [3]), row([[0, 60], [1]], null, [Infinity])],
      removed: [stateKeyOf([[0, 60], 'b'])],
      result: result([row([[0, 60], 'a'], 60, [3])]),
    });
  });

  it('reads the earlier one-document JSON files (deltas and snapshots), so older checkpoints restart', () => {
    const delta = JSON.stringify({
      batchId: 3,
      upserts: [{ key: '["a"]', eventTimeUs: 10, buffers: [{ $num: 'Infinity' }] }],
      removed: ['["b"]'],
      result: result([]),
    });
    expect(parseStateFile(delta)).toEqual({
      batchId: 3,
      rows: [row(['a'], 10, [Infinity])],
      removed: [stateKeyOf(['b'])],
      result: result([]),
    });
    const snapshot = JSON.stringify({ batchId: 9, rows: [{ key: '["c"]', eventTimeUs: null, buffers: [4] }] });
    expect(parseStateFile(snapshot)).toEqual({ batchId: 9, rows: [row(['c'], null, [4])], removed: [], result: undefined });
  });
});

describe('state keys', () => {
  it('split a key text into group and member, and back to the same text, for every kind of last value', () => {
    const keys: unknown[][] = [
      [[0, 60], 'w'],
      ['a\tb\n"c"\u0000😀\ud800'],
      [1, 2, 3],
      [null],
      [true],
      [1.5e300],
      [-0],
      [[0, 60], [1, 2]],
      [[0, 60], null],
      [NaN],
      [],
      ['x', { a: 1 }],
    ];
    for (const k of keys) {
      const id = stateKeyOf(k);
      const text = encodeKey(k);
      const fromText = stateKeyFromText(text);
      expect({ k, group: fromText.group, member: fromText.member }).toEqual({ k, group: id.group, member: id.member });
    }
    expect(stateKeyOf([[0, 60], 'w'])).toEqual({ group: '[0,60]', member: 'w' });
    expect(stateKeyOf([[0, 60], [1, 2]])).toEqual({ group: '[[0,60],[1,2]]', member: WHOLE_KEY });
    // NaN is written null, so it is the key null (as its text always was).
    expect(stateKeyOf([NaN])).toEqual(stateKeyOf([null]));
  });
});
