import { describe, expect, it } from 'vitest';
import { InternalError, NotSupportedError } from '../../engine/errors/errors.js';
import type { MergeOp } from '../../engine/functions/function.js';
import { applyBatchInPlace } from '../../engine/state/apply-batch.js';
import { IndexedState } from '../../engine/state/indexed-state.js';
import { stateKeyFromText, stateKeyOf, stateKeyText, WHOLE_KEY, type StateKey } from '../../engine/state/state-key.js';
import { decodeValue, encodeRowValue } from '../../worker/state/redis/codec.js';
import { PackedRowsWriter } from '../../worker/state/redis/packed-rows.js';

interface Row {
  readonly key: StateKey;
  readonly eventTimeUs: number | null;
  readonly buffers: readonly unknown[];
}

/** What the apply script was sent before (an array of key and value texts as JSON), in bytes. */
function reference(rows: readonly Row[], ops: readonly MergeOp[]): { bytes: Buffer; keyLengths: number[]; valueLengths: number[] } {
  const flat: string[] = [];
  for (const r of rows) flat.push(stateKeyText(r.key), encodeRowValue(r.eventTimeUs, r.buffers, ops));
  return {
    bytes: Buffer.from(JSON.stringify(flat)),
    keyLengths: rows.map((r) => stateKeyText(r.key).length),
    valueLengths: rows.map((r) => encodeRowValue(r.eventTimeUs, r.buffers, ops).length),
  };
}

function packed(rows: readonly Row[], ops: readonly MergeOp[], expected = rows.length): { bytes: Buffer; keyLengths: number[]; valueLengths: number[] } {
  const w = new PackedRowsWriter(expected);
  const keyLengths: number[] = [];
  const valueLengths: number[] = [];
  for (const r of rows) {
    w.add(r.key, r.eventTimeUs, r.buffers, ops);
    keyLengths.push(w.keyLength);
    valueLengths.push(w.valueLength);
  }
  return { bytes: w.finish(), keyLengths, valueLengths };
}

const S = 1_000_000;
const window = (startS: number): number[] => [startS * S, (startS + 60) * S];

/** A small deterministic generator (no flaky seeds). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const WEIRD_STRINGS = ['', 'plain', 'with "quotes"', 'back\\slash', 'tab\tnew\nline', '\u0000\u001f\u007f', 'héllo wörld', '日本語', '😀 emoji', 'lone \ud800 high', 'lone \udc00 low', '\u2028\u2029', '</script>'];
const NUMBERS = [0, -0, 1, -1, 42, 9_007_199_254_740_991, -9_007_199_254_740_991, 9_007_199_254_740_992, 1e21, 1.5, -0.25, 1e-7, 123456.789, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity];

describe('PackedRowsWriter (the apply script’s upserts argument, written as bytes)', () => {
  it('writes exactly the bytes of JSON.stringify of the key and value texts, with their lengths, for a windowed word count', () => {
    const rows: Row[] = [];
    for (let w = 0; w < 300; w++) {
      for (let k = 0; k < 12; k++) {
        const win = window(1_700_000_000 + k * 5);
        rows.push({ key: stateKeyOf([win, `word${w}`]), eventTimeUs: win[1] as number, buffers: [w * 7 + k] });
      }
    }
    // A small first guess: the buffer grows many times.
    expect(packed(rows, ['sum'], 1)).toEqual(reference(rows, ['sum']));
  });

  it('matches for keys and values of every kind: escapes, non-ASCII, lone surrogates, -0, non-finite and huge numbers, whole keys', () => {
    const ops: MergeOp[] = ['sum', 'min', 'max'];
    const rows: Row[] = [];
    const next = lcg(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    const members: unknown[] = [...WEIRD_STRINGS, ...NUMBERS, true, false, null];
    for (let i = 0; i < 2000; i++) {
      const last = pick(members);
      const values = next() < 0.3 ? [last] : next() < 0.5 ? [pick(WEIRD_STRINGS), last] : [window(i), pick(WEIRD_STRINGS), last];
      // A struct as the last value makes the whole text the key (WHOLE_KEY).
      const key = next() < 0.1 ? stateKeyOf([...values, { a: pick(WEIRD_STRINGS) }]) : stateKeyOf(values);
      const finiteTime = pick(NUMBERS.filter((n) => Number.isFinite(n)));
      // Strings are stored already (asStored): no lone surrogates in buffers.
      const text = pick(WEIRD_STRINGS).replace(/\p{Surrogate}/gu, '\uFFFD');
      rows.push({ key, eventTimeUs: next() < 0.2 ? null : finiteTime, buffers: [pick(NUMBERS), next() < 0.5 ? text : pick(NUMBERS), next() < 0.2 ? null : next() < 0.5 ? pick([true, false]) : text] });
    }
    expect(rows.some((r) => r.key.member === WHOLE_KEY)).toBe(true);
    const got = packed(rows, ops);
    expect(got).toEqual(reference(rows, ops));
    // Read back as the script stores them (one hash field and value per row): the same rows.
    const flat = JSON.parse(got.bytes.toString('utf8')) as string[];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as Row;
      expect(stateKeyFromText(flat[2 * i] as string)).toEqual(r.key.member === WHOLE_KEY ? r.key : stateKeyOf(JSON.parse(stateKeyText(r.key)) as unknown[]));
      const back = decodeValue(flat[2 * i + 1] as string);
      expect(back.eventTimeUs).toEqual(r.eventTimeUs === null ? null : r.eventTimeUs);
      expect(back.buffers).toEqual(r.buffers.map((b) => b ?? null));
    }
  });

  it('matches when groups repeat with other event times, escapes and non-ASCII (the bytes a group and its time were first written as are reused)', () => {
    const rows: Row[] = [];
    const groups = ['plain', 'with "quotes"', 'héllo', '😀', 'lone \ud800'];
    for (let i = 0; i < 600; i++) {
      const g = groups[i % groups.length] as string;
      // Event times repeat per group for a while, then change, and sometimes are null or -0.
      const t = i % 7 === 0 ? null : i % 11 === 0 ? -0 : (i % 3) * 1_000_000 + 9_007_199_254_740_000;
      rows.push({ key: stateKeyOf([g, window(i % 4), `w${i % 9}`]), eventTimeUs: t, buffers: [i] });
      rows.push({ key: stateKeyOf([window(i % 4), i]), eventTimeUs: i % 2 === 0 ? t : 1e21, buffers: [i] });
    }
    expect(packed(rows, ['sum'], 1)).toEqual(reference(rows, ['sum']));
  });

  it('fails as encodeRowValue does: a non-finite event time, a buffer Redis cannot keep, a string in a sum', () => {
    const key = stateKeyOf(['a']);
    expect(() => new PackedRowsWriter(1).add(key, Infinity, [1], ['sum'])).toThrow(InternalError);
    expect(() => new PackedRowsWriter(1).add(key, null, [new Set([1])], ['max'])).toThrow(NotSupportedError);
    expect(() => new PackedRowsWriter(1).add(key, null, ['x'], ['sum'])).toThrow(InternalError);
  });

  it('an empty batch is an empty array', () => {
    expect(new PackedRowsWriter(0).finish().toString()).toBe('[]');
  });
});

describe('applyBatchInPlace without an undo log (a store that drops its state when persisting fails)', () => {
  it('merges exactly as with the log, and refuses to undo', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ ...stateKeyOf([window(i % 3), `w${i % 50}`]), eventTimeUs: null, buffers: [1] }));
    const logged = new IndexedState();
    const plain = new IndexedState();
    for (let b = 0; b < 3; b++) {
      const batch = { batchId: b, rows: rows(120 + b), mergeOps: ['sum'] as MergeOp[], lateBeforeUs: null, evictBeforeUs: null, emit: 'updated' as const };
      const a = applyBatchInPlace(logged, batch);
      const c = applyBatchInPlace(plain, batch, 'none');
      expect(c.output.map((r) => [stateKeyText(r), r.buffers])).toEqual(a.output.map((r) => [stateKeyText(r), r.buffers]));
      expect(c.numRowsTotal).toBe(a.numRowsTotal);
      expect(() => c.undo()).toThrow(InternalError);
    }
  });
});
