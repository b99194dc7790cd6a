import { describe, expect, it } from 'vitest';
import { formatStateFile, parseStateFile, type StateFileContent } from '../../../engine/state/state-file.js';
import { encodeKey } from '../../../engine/state/state-store.js';

const result = (rows: StateFileContent['rows']): NonNullable<StateFileContent['result']> => ({
  rows,
  numRowsTotal: 3,
  numRowsUpdated: 2,
  numRowsRemoved: 1,
  numRowsDroppedByWatermark: 0,
  memoryUsedBytes: 640,
});

describe('state files', () => {
  it('round-trips rows, removals and the recorded result, keys with tabs, quotes and newlines included', () => {
    const content: StateFileContent = {
      batchId: 7,
      rows: [
        { key: encodeKey([[0, 60_000_000], 'a\tb\n"c"']), eventTimeUs: 60_000_000, buffers: [3, null] },
        { key: encodeKey([null, 'x']), eventTimeUs: null, buffers: [-0, 1.5e300] },
        { key: encodeKey(['s']), eventTimeUs: 5, buffers: [['x', 'y'], { n: 1 }] },
      ],
      removed: [encodeKey([[0, 30_000_000], 'gone\n'])],
      result: result([{ key: encodeKey(['s']), eventTimeUs: 5, buffers: [1] }]),
    };
    const text = formatStateFile(content);
    // Magic and header, 3 rows, 1 removal, 1 result row, and the final newline's empty tail.
    expect(text.split('\n').length).toBe(2 + 3 + 1 + 1 + 1);
    const back = parseStateFile(text);
    expect(back).toEqual({ ...content, rows: content.rows.map((r) => ({ ...r, buffers: r.buffers.map((b) => (Object.is(b, -0) ? 0 : b)) })) });
  });

  it('keeps non-finite numbers', () => {
    const content: StateFileContent = {
      batchId: 0,
      rows: [{ key: '["x"]', eventTimeUs: null, buffers: [Infinity, -Infinity, NaN, 2] }],
      removed: [],
      result: undefined,
    };
    expect(parseStateFile(formatStateFile(content))).toEqual(content);
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
      rows: [{ key: '["a"]', eventTimeUs: 10, buffers: [Infinity] }],
      removed: ['["b"]'],
      result: result([]),
    });
    const snapshot = JSON.stringify({ batchId: 9, rows: [{ key: '["c"]', eventTimeUs: null, buffers: [4] }] });
    expect(parseStateFile(snapshot)).toEqual({ batchId: 9, rows: [{ key: '["c"]', eventTimeUs: null, buffers: [4] }], removed: [], result: undefined });
  });
});
