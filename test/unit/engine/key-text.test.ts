import { describe, expect, it } from 'vitest';
import { encodeKey } from '../../../engine/state/state-store.js';
import { keyPartText } from '../../../engine/state/key-text.js';
import { T, WINDOW_TYPE, type DataType } from '../../../engine/types/data-type.js';

/** A small deterministic generator (no Math.random: failures must replay). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const STRINGS = ['', 'cat', 'a "quoted" word', 'back\\slash', 'tab\tnew\nline', '\u0000\u001f', 'ünïcödé', '😺', '\ud800 lone', '\u2028\u2029'];
const NUMBERS = [0, -0, 1, -1, 42, 2 ** 31 - 1, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53), 1e21, 1.5, -2.25e-7, NaN, Infinity, -Infinity];

function valueOf(t: DataType, r: () => number): unknown {
  if (r() < 0.1) return r() < 0.5 ? null : undefined;
  switch (t.kind) {
    case 'string':
      return STRINGS[Math.floor(r() * STRINGS.length)];
    case 'boolean':
      return r() < 0.5;
    case 'struct':
      return t.fields.map((f) => valueOf(f.type, r));
    default:
      return NUMBERS[Math.floor(r() * NUMBERS.length)];
  }
}

describe('keyPartText', () => {
  const types: DataType[] = [T.string, T.long, T.integer, T.double, T.boolean, T.timestamp, T.date, WINDOW_TYPE, T.struct([T.field('w', WINDOW_TYPE), T.field('s', T.string)]), T.array(T.string), T.binary];

  it("writes exactly encodeKey's text for every key type, odd values and wrong shapes included", () => {
    const r = rng(7);
    for (let n = 0; n < 5000; n++) {
      const kt = [types[Math.floor(r() * types.length)] as DataType, types[Math.floor(r() * types.length)] as DataType];
      const values = kt.map((t) => (r() < 0.05 ? valueOf(T.string, r) : valueOf(t, r)));
      const parts = kt.map(keyPartText);
      const text = `[${values.map((v, i) => (parts[i] as (v: unknown) => string)(v)).join(',')}]`;
      expect(text).toBe(encodeKey(values));
    }
  });

  it('handles the seed query key (window struct, word)', () => {
    const parts = [keyPartText(WINDOW_TYPE), keyPartText(T.string)];
    const values = [[1_700_000_040_000_000, 1_700_000_100_000_000], 'cat'];
    expect(`[${(parts[0] as (v: unknown) => string)(values[0])},${(parts[1] as (v: unknown) => string)(values[1])}]`).toBe(JSON.stringify(values));
  });
});
