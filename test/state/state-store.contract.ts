// Over 400 lines because: it is the StateStore contract, one suite every store (memory, Redis, Redis Cluster) runs; its cases belong together.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecutionError } from '../../engine/errors/errors.js';
import type { MergeOp } from '../../engine/functions/function.js';
import { stateKeyOf, stateKeyText, stateKeyValues } from '../../engine/state/state-key.js';
import {
  decodeKey,
  encodeKey,
  type StateBatch,
  type StateBatchResult,
  type StateRow,
  type StateStore,
  type StateStoreProvider,
} from '../../engine/state/state-store.js';
import { ReferenceState } from './reference-state.js';

/** A state store backend under test, fresh for each case. */
export interface StateStoreFixture {
  /** The current provider (a new one after `restart`). */
  readonly provider: StateStoreProvider;
  /** A checkpoint location no other case uses. */
  checkpoint(): string;
  /** Closes the provider and opens a new one over the same durable data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface ContractOptions {
  /** Whether stores refuse writes carrying an older epoch than one already seen. */
  readonly fencing: boolean;
}

export const row = (keyValues: readonly unknown[], eventTimeUs: number | null, buffers: readonly unknown[]): StateRow => ({
  ...stateKeyOf(keyValues),
  eventTimeUs,
  buffers,
  keyValues,
});

export function batch(batchId: number, rows: readonly StateRow[], options: Partial<Omit<StateBatch, 'batchId' | 'rows'>> = {}): StateBatch {
  return { batchId, rows, mergeOps: ['sum'], lateBeforeUs: null, evictBeforeUs: null, emit: 'updated', ...options };
}

/** Rows without the optional decoded key, sorted by key; checks `keyValues` where present. */
export function canon(rows: readonly StateRow[]): { key: string; eventTimeUs: number | null; buffers: unknown[] }[] {
  // Decoded keys, where given, must encode back to the key (one assertion, not one per row).
  const mismatched = rows.filter((r) => r.keyValues !== undefined && encodeKey(r.keyValues) !== stateKeyText(r)).map(stateKeyText);
  expect(mismatched).toEqual([]);
  return rows
    .map((r) => ({ key: stateKeyText(r), eventTimeUs: r.eventTimeUs, buffers: [...r.buffers] }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Sorted one-line digests of rows (fast to compare for large states; Object.is-exact numbers). */
export function digest(rows: readonly StateRow[]): string[] {
  expect(rows.filter((r) => r.keyValues !== undefined && encodeKey(r.keyValues) !== stateKeyText(r)).map(stateKeyText)).toEqual([]);
  const num = (v: unknown): string => (Object.is(v, -0) ? '-0' : typeof v === 'string' ? JSON.stringify(v) : String(v));
  return rows.map((r) => `${stateKeyText(r)} @${num(r.eventTimeUs)} ${r.buffers.map(num).join(',')}`).sort();
}

/** `canonResult` with digested rows, for large outputs. */
export function digestResult(r: StateBatchResult): Omit<ReturnType<typeof canonResult>, 'rows'> & { rows: string[] } {
  return { ...canonResult({ ...r, rows: [] }), rows: digest(r.rows) };
}

/** The result without row order or decoded keys. */
export function canonResult(r: StateBatchResult): Omit<StateBatchResult, 'rows' | 'memoryUsedBytes' | 'replayed'> & { rows: ReturnType<typeof canon> } {
  return {
    rows: canon(r.rows),
    numRowsTotal: r.numRowsTotal,
    numRowsUpdated: r.numRowsUpdated,
    numRowsRemoved: r.numRowsRemoved,
    numRowsDroppedByWatermark: r.numRowsDroppedByWatermark,
  };
}

const k = (word: string, endUs: number): unknown[] => [[endUs - 10_000_000, endUs], word];
const S = 1_000_000;

/**
 * The StateStore contract, from Spark's StateStoreSaveExec semantics (streaming-semantics.md §3.3,
 * §4.1): one atomic, batch-id-guarded step per partition per batch.
 */
export function describeStateStore(name: string, factory: () => Promise<StateStoreFixture>, options: ContractOptions): void {
  describe(`StateStore contract: ${name}`, () => {
    let fx: StateStoreFixture;
    let cp: string;
    beforeEach(async () => {
      fx = await factory();
      cp = fx.checkpoint();
    });
    afterEach(async () => {
      await fx.close();
    });
    const open = (partition = 0, epoch = 1, operatorId = 0): Promise<StateStore> =>
      fx.provider.open({ checkpoint: cp, operatorId, partition, epoch });

    it('starts empty at batch -1', async () => {
      const s = await open();
      expect(await s.lastAppliedBatch()).toBe(-1);
      expect(await s.rows()).toEqual([]);
    });

    it('merges sum, min and max slot by slot, null being the identity of each', async () => {
      const s = await open();
      const ops: MergeOp[] = ['sum', 'min', 'max', 'sum', 'min'];
      const r0 = await s.applyBatch(batch(0, [row(['a'], null, [1, 5, 5, null, null]), row(['b'], null, [null, null, null, null, 'x'])], { mergeOps: ops }));
      expect(canonResult(r0)).toEqual({
        rows: canon([row(['a'], null, [1, 5, 5, null, null]), row(['b'], null, [null, null, null, null, 'x'])]),
        numRowsTotal: 2,
        numRowsUpdated: 2,
        numRowsRemoved: 0,
        numRowsDroppedByWatermark: 0,
      });
      // The same key twice in one batch merges twice.
      const r1 = await s.applyBatch(
        batch(1, [row(['a'], null, [2, 3, 9, null, 'q']), row(['a'], null, [null, 4, 1, 7, 'p']), row(['b'], null, [0.1, null, -2, 0.2, null])], { mergeOps: ops }),
      );
      const expected = [row(['a'], null, [3, 3, 9, 7, 'p']), row(['b'], null, [0.1, null, -2, 0.2, 'x'])];
      expect(canon(r1.rows)).toEqual(canon(expected));
      expect(r1.numRowsUpdated).toBe(2);
      expect(canon(await s.rows())).toEqual(canon(expected));
      const r2 = await s.applyBatch(batch(2, [row(['b'], null, [0.2, 1, -3, 0.1, 'y'])], { mergeOps: ops }));
      expect(canon(r2.rows)).toEqual(canon([row(['b'], null, [0.1 + 0.2, 1, -2, 0.2 + 0.1, 'x'])]));
    });

    it('compares strings and booleans for min/max as JavaScript does', async () => {
      const s = await open();
      const ops: MergeOp[] = ['min', 'max', 'min', 'max'];
      // UTF-16 order: an astral character (surrogate pair) sorts below U+FFFD, unlike code point order.
      const values = ['b', 'a', 'ab', '', 'é', 'Z', '😀', '\uFFFD', '\u{10FFFF}', '\uE000', 'a\u0000'];
      let expMin = values[0] as string;
      let expMax = values[0] as string;
      let batchId = 0;
      for (const v of values) {
        if (v < expMin) expMin = v;
        if (v > expMax) expMax = v;
        const flag = batchId % 2 === 1;
        await s.applyBatch(batch(batchId++, [row(['k'], null, [v, v, flag, flag])], { mergeOps: ops }));
      }
      expect(canon(await s.rows())).toEqual(canon([row(['k'], null, [expMin, expMax, false, true])]));
      expect(expMin).toBe('');
      expect(expMax).toBe('\uFFFD');
    });

    it('keeps numbers exact: 17 significant digits, µs timestamps near 2^52, huge and tiny doubles', async () => {
      const s = await open();
      const t = 2 ** 52 + 12_345; // µs, beyond 14 significant digits
      const ops: MergeOp[] = ['sum', 'min', 'max', 'sum'];
      await s.applyBatch(batch(0, [row(['a', t], t, [123_456_789_012_345.67, t, t, 0.1])], { mergeOps: ops }));
      const r = await s.applyBatch(batch(1, [row(['a', t], t, [1, t - 1, t + 1, 0.2]), row(['tiny'], null, [5e-324, -1.7976931348623157e308, 1.7976931348623157e308, -0.5])], { mergeOps: ops }));
      const expected = [
        row(['a', t], t, [123_456_789_012_345.67 + 1, t - 1, t + 1, 0.1 + 0.2]),
        row(['tiny'], null, [5e-324, -1.7976931348623157e308, 1.7976931348623157e308, -0.5]),
      ];
      expect(canon(r.rows)).toEqual(canon(expected));
      expect(canon(await s.rows())).toEqual(canon(expected));
      // Eviction boundary at that magnitude: one µs decides.
      const kept = await s.applyBatch(batch(2, [], { mergeOps: ops, evictBeforeUs: t - 1, emit: 'evicted' }));
      expect(kept.rows).toEqual([]);
      const gone = await s.applyBatch(batch(3, [], { mergeOps: ops, evictBeforeUs: t, emit: 'evicted' }));
      expect(canon(gone.rows)).toEqual(canon([expected[0] as StateRow]));
      await fx.restart();
      expect(canon(await (await open()).rows())).toEqual(canon([expected[1] as StateRow]));
    });

    it('keeps non-finite doubles (sum overflow, NaN), also across a restart', async () => {
      const s = await open();
      const ops: MergeOp[] = ['sum', 'sum', 'min', 'max'];
      await s.applyBatch(batch(0, [row(['x'], null, [Infinity, Infinity, 1, 1])], { mergeOps: ops }));
      const r = await s.applyBatch(batch(1, [row(['x'], null, [1, -Infinity, NaN, -Infinity])], { mergeOps: ops }));
      // JS semantics: NaN < 1 is false, so min keeps 1; -Infinity > 1 is false, so max keeps 1.
      const expected = [row(['x'], null, [Infinity, NaN, 1, 1])];
      expect(canon(r.rows)).toEqual(canon(expected));
      await fx.restart();
      expect(canon(await (await open()).rows())).toEqual(canon(expected));
    });

    it('update mode emits the keys this batch updated, with their merged values', async () => {
      const s = await open();
      await s.applyBatch(batch(0, [row(k('cat', 10 * S), 10 * S, [1]), row(k('dog', 10 * S), 10 * S, [2])]));
      const r = await s.applyBatch(batch(1, [row(k('cat', 10 * S), 10 * S, [5]), row(k('cat', 20 * S), 20 * S, [1])]));
      expect(canonResult(r)).toEqual({
        rows: canon([row(k('cat', 10 * S), 10 * S, [6]), row(k('cat', 20 * S), 20 * S, [1])]),
        numRowsTotal: 3,
        numRowsUpdated: 2,
        numRowsRemoved: 0,
        numRowsDroppedByWatermark: 0,
      });
      expect(r.replayed).toBe(false);
      expect(r.memoryUsedBytes).toBeGreaterThan(0);
    });

    it('complete mode emits every key after merging and never evicts (late/evict bounds are null)', async () => {
      const s = await open();
      const all = { emit: 'all' as const };
      await s.applyBatch(batch(0, [row(k('a', 10 * S), 10 * S, [1]), row(k('b', 20 * S), 20 * S, [1])], all));
      const r = await s.applyBatch(batch(1, [row(k('a', 10 * S), 10 * S, [1]), row(k('c', 1), 1, [4])], all));
      expect(canonResult(r)).toEqual({
        rows: canon([row(k('a', 10 * S), 10 * S, [2]), row(k('b', 20 * S), 20 * S, [1]), row(k('c', 1), 1, [4])]),
        numRowsTotal: 3,
        numRowsUpdated: 2,
        numRowsRemoved: 0,
        numRowsDroppedByWatermark: 0,
      });
      const empty = await s.applyBatch(batch(2, [], all));
      expect(canon(empty.rows)).toEqual(canon(r.rows));
      expect(empty.numRowsUpdated).toBe(0);
    });

    it('append mode emits each evicted key once, with its final value; eviction is event time <= evictBeforeUs', async () => {
      const s = await open();
      const append = (evictBeforeUs: number, lateBeforeUs: number) => ({ emit: 'evicted' as const, evictBeforeUs, lateBeforeUs });
      const r0 = await s.applyBatch(
        batch(0, [row(k('a', 10 * S), 10 * S, [1]), row(k('b', 15 * S), 15 * S, [1]), row(k('c', 20 * S), 20 * S, [1]), row(['nulltime'], null, [1])], append(0, 0)),
      );
      expect(r0.rows).toEqual([]);
      const r1 = await s.applyBatch(batch(1, [row(k('a', 10 * S), 10 * S, [2]), row(k('c', 20 * S), 20 * S, [1])], append(15 * S, 0)));
      expect(canonResult(r1)).toEqual({
        rows: canon([row(k('a', 10 * S), 10 * S, [3]), row(k('b', 15 * S), 15 * S, [1])]),
        numRowsTotal: 2,
        numRowsUpdated: 2,
        numRowsRemoved: 2,
        numRowsDroppedByWatermark: 0,
      });
      const r2 = await s.applyBatch(batch(2, [], append(15 * S, 15 * S)));
      expect(r2.rows).toEqual([]);
      expect(r2.numRowsRemoved).toBe(0);
      const r3 = await s.applyBatch(batch(3, [], append(20 * S - 1, 15 * S)));
      expect(r3.rows).toEqual([]);
      const r4 = await s.applyBatch(batch(4, [], append(1e15, 20 * S)));
      expect(canon(r4.rows)).toEqual(canon([row(k('c', 20 * S), 20 * S, [2])]));
      // A key without event time is never evicted.
      expect(canon(await s.rows())).toEqual(canon([row(['nulltime'], null, [1])]));
      expect(r4.numRowsTotal).toBe(1);
    });

    it('drops incoming rows with event time <= lateBeforeUs and counts them; rows without event time are never late', async () => {
      const s = await open();
      const opts = { lateBeforeUs: 15 * S, evictBeforeUs: 15 * S };
      const r = await s.applyBatch(
        batch(0, [row(k('a', 15 * S), 15 * S, [1]), row(k('b', 15 * S + 1), 15 * S + 1, [1]), row(k('c', 5 * S), 5 * S, [1]), row(['n'], null, [1]), row(k('a', 15 * S), 15 * S, [1])], opts),
      );
      expect(canonResult(r)).toEqual({
        rows: canon([row(k('b', 15 * S + 1), 15 * S + 1, [1]), row(['n'], null, [1])]),
        numRowsTotal: 2,
        numRowsUpdated: 2,
        numRowsRemoved: 0,
        numRowsDroppedByWatermark: 3,
      });
    });

    it('a row late for no filter yet (W_{N-1} < end <= W_N) is merged and evicted in the same batch (§3.3)', async () => {
      const s = await open();
      await s.applyBatch(batch(0, [row(k('a', 15 * S), 15 * S, [1])], { emit: 'evicted', lateBeforeUs: 0, evictBeforeUs: 0 }));
      const r = await s.applyBatch(batch(1, [row(k('a', 15 * S), 15 * S, [2]), row(k('b', 12 * S), 12 * S, [1])], { emit: 'evicted', lateBeforeUs: 10 * S, evictBeforeUs: 15 * S }));
      expect(canonResult(r)).toEqual({
        rows: canon([row(k('a', 15 * S), 15 * S, [3]), row(k('b', 12 * S), 12 * S, [1])]),
        numRowsTotal: 0,
        numRowsUpdated: 2,
        numRowsRemoved: 2,
        numRowsDroppedByWatermark: 0,
      });
      expect(r.memoryUsedBytes).toBe(0);
      // Update mode emits such a row as updated and removes it silently.
      const u = await s.applyBatch(batch(2, [row(k('c', 16 * S), 16 * S, [7])], { lateBeforeUs: 15 * S, evictBeforeUs: 20 * S }));
      expect(canonResult(u)).toEqual({
        rows: canon([row(k('c', 16 * S), 16 * S, [7])]),
        numRowsTotal: 0,
        numRowsUpdated: 1,
        numRowsRemoved: 1,
        numRowsDroppedByWatermark: 0,
      });
      expect(await s.rows()).toEqual([]);
    });

    it('re-applying the last applied batch returns its recorded output and changes nothing', async () => {
      const s = await open();
      await s.applyBatch(batch(0, [row(k('a', 10 * S), 10 * S, [1]), row(k('b', 20 * S), 20 * S, [1])]));
      const b1 = batch(1, [row(k('a', 10 * S), 10 * S, [1]), row(k('c', 30 * S), 30 * S, [1])], { emit: 'evicted', evictBeforeUs: 10 * S });
      const first = await s.applyBatch(b1);
      const state = canon(await s.rows());
      const again = await s.applyBatch(b1);
      expect(again.replayed).toBe(true);
      expect(canonResult(again)).toEqual(canonResult(first));
      expect(again.memoryUsedBytes).toBe(first.memoryUsedBytes);
      // A retry carrying different rows under the same batch id is not applied either.
      const other = await s.applyBatch(batch(1, [row(k('z', 50 * S), 50 * S, [9])], { emit: 'evicted', evictBeforeUs: 10 * S }));
      expect(other.replayed).toBe(true);
      expect(canonResult(other)).toEqual(canonResult(first));
      expect(canon(await s.rows())).toEqual(state);
      expect(await s.lastAppliedBatch()).toBe(1);
      // Concurrent duplicates (a retried task racing the original) apply once.
      const b2 = batch(2, [row(k('c', 30 * S), 30 * S, [1])]);
      const [x, y] = await Promise.all([s.applyBatch(b2), s.applyBatch(b2)]);
      expect([x.replayed, y.replayed].sort()).toEqual([false, true]);
      expect(canon((await s.rows()).filter((r) => stateKeyText(r) === encodeKey(k('c', 30 * S))))).toEqual(canon([row(k('c', 30 * S), 30 * S, [2])]));
    });

    it('re-applying the last batch with emit all returns every row held, whatever it emitted first', async () => {
      const s = await open();
      await s.applyBatch(batch(0, [row(['a'], null, [1]), row(['b'], null, [2])]));
      const b1 = batch(1, [row(['a'], null, [5])]);
      const first = await s.applyBatch(b1);
      expect(canon(first.rows)).toEqual(canon([row(['a'], null, [6])]));
      const again = await s.applyBatch({ ...b1, emit: 'all' });
      expect(again.replayed).toBe(true);
      expect(canon(again.rows)).toEqual(canon([row(['a'], null, [6]), row(['b'], null, [2])]));
      expect(again.numRowsUpdated).toBe(first.numRowsUpdated);
      await fx.restart();
      const afterRestart = await (await open()).applyBatch({ ...b1, emit: 'all' });
      expect(canon(afterRestart.rows)).toEqual(canon([row(['a'], null, [6]), row(['b'], null, [2])]));
    });

    it('refuses a batch older than the last applied one, changing nothing', async () => {
      const s = await open();
      await s.applyBatch(batch(0, [row(['a'], null, [1])]));
      await s.applyBatch(batch(1, [row(['a'], null, [1])]));
      await expect(s.applyBatch(batch(0, [row(['a'], null, [1])]))).rejects.toThrow(ExecutionError);
      await expect(s.applyBatch(batch(0, [row(['a'], null, [1])]))).rejects.toThrow(/already at batch 1/);
      expect(canon(await s.rows())).toEqual(canon([row(['a'], null, [2])]));
      expect(await s.lastAppliedBatch()).toBe(1);
    });

    it('accepts a gap in batch ids', async () => {
      const s = await open();
      await s.applyBatch(batch(0, [row(['a'], null, [1])]));
      const r = await s.applyBatch(batch(7, [row(['a'], null, [1])]));
      expect(canon(r.rows)).toEqual(canon([row(['a'], null, [2])]));
      expect(await s.lastAppliedBatch()).toBe(7);
    });

    it('a restart keeps the state and the last output, and continues from them', async () => {
      let s = await open();
      await s.applyBatch(batch(0, [row(k('a', 10 * S), 10 * S, [1, 'm']), row(k('b', 20 * S), 20 * S, [1, 'q'])], { mergeOps: ['sum', 'max'] }));
      const b1 = batch(1, [row(k('a', 10 * S), 10 * S, [2, 'z']), row(k('c', 30 * S), 30 * S, [1, 'a'])], { mergeOps: ['sum', 'max'], emit: 'evicted', evictBeforeUs: 20 * S });
      const first = await s.applyBatch(b1);
      const state = canon(await s.rows());
      await fx.restart();
      s = await open();
      expect(await s.lastAppliedBatch()).toBe(1);
      expect(canon(await s.rows())).toEqual(state);
      const again = await s.applyBatch(b1);
      expect(again.replayed).toBe(true);
      expect(canonResult(again)).toEqual(canonResult(first));
      expect(canon(await s.rows())).toEqual(state);
      const next = await s.applyBatch(batch(2, [row(k('c', 30 * S), 30 * S, [1, 'b'])], { mergeOps: ['sum', 'max'] }));
      expect(canon(next.rows)).toEqual(canon([row(k('c', 30 * S), 30 * S, [2, 'b'])]));
      await expect(s.applyBatch(batch(0, [], { mergeOps: ['sum', 'max'] }))).rejects.toThrow(ExecutionError);
    });

    it('after a restart, re-running a batch that changed nothing gives the same output and state', async () => {
      let s = await open();
      await s.applyBatch(batch(0, [row(k('a', 10 * S), 10 * S, [1])], { lateBeforeUs: 0, evictBeforeUs: 0 }));
      const late = batch(1, [row(k('a', 10 * S), 10 * S, [1])], { lateBeforeUs: 10 * S, evictBeforeUs: 5 * S });
      const first = await s.applyBatch(late);
      expect(first.numRowsDroppedByWatermark).toBe(1);
      await fx.restart();
      s = await open();
      // A store may not persist a batch that changed nothing (Spark's gaps): it may apply it anew.
      expect(await s.lastAppliedBatch()).toBeGreaterThanOrEqual(0);
      const again = await s.applyBatch(late);
      expect(canonResult(again)).toEqual(canonResult(first));
      expect(canon(await s.rows())).toEqual(canon([row(k('a', 10 * S), 10 * S, [1])]));
      expect(await s.lastAppliedBatch()).toBe(1);
    });

    it('a no-data batch (no rows) still evicts, emits, and advances the batch id', async () => {
      const s = await open();
      await s.applyBatch(batch(0, [row(k('a', 10 * S), 10 * S, [1]), row(k('b', 20 * S), 20 * S, [1])], { emit: 'evicted', lateBeforeUs: 0, evictBeforeUs: 0 }));
      const r = await s.applyBatch(batch(1, [], { emit: 'evicted', lateBeforeUs: 0, evictBeforeUs: 12 * S }));
      expect(canonResult(r)).toEqual({
        rows: canon([row(k('a', 10 * S), 10 * S, [1])]),
        numRowsTotal: 1,
        numRowsUpdated: 0,
        numRowsRemoved: 1,
        numRowsDroppedByWatermark: 0,
      });
      const u = await s.applyBatch(batch(2, [], { lateBeforeUs: 12 * S, evictBeforeUs: 25 * S }));
      expect(canonResult(u)).toEqual({ rows: [], numRowsTotal: 0, numRowsUpdated: 0, numRowsRemoved: 1, numRowsDroppedByWatermark: 0 });
      expect(await s.lastAppliedBatch()).toBe(2);
      expect(await s.rows()).toEqual([]);
    });

    it('grouping keys with unicode, quotes, backslashes, control characters and nesting round-trip', async () => {
      const s = await open();
      const keys: unknown[][] = [
        ['plain'],
        ['quote " and \' apostrophe'],
        ['back\\slash / slash'],
        ['new\nline\ttab\u0000nul'],
        ['emoji 😀 and ünïcödé and 中文'],
        [''],
        [null, 'x'],
        [true, false, 1.5, -0.25, 2 ** 52],
        [[1_700_000_000_000_000, 1_700_000_010_000_000], 'word'],
      ];
      const r = await s.applyBatch(batch(0, keys.map((kv, i) => row(kv, null, [i]))));
      expect(canon(r.rows)).toEqual(canon(keys.map((kv, i) => row(kv, null, [i]))));
      for (const out of r.rows) expect(out.keyValues ?? stateKeyValues(out)).toEqual(decodeKey(stateKeyText(out)));
      const again = await s.applyBatch(batch(1, keys.map((kv) => row(kv, null, [10]))));
      expect(canon(again.rows)).toEqual(canon(keys.map((kv, i) => row(kv, null, [i + 10]))));
      expect(canon(await s.rows())).toEqual(canon(again.rows));
    });

    it('partitions and operators of one checkpoint are independent', async () => {
      const a = await open(0);
      const b = await open(1);
      const c = await open(0, 1, 1);
      await a.applyBatch(batch(0, [row(['x'], null, [1])]));
      await b.applyBatch(batch(5, [row(['x'], null, [10])]));
      expect(await a.lastAppliedBatch()).toBe(0);
      expect(await b.lastAppliedBatch()).toBe(5);
      expect(await c.lastAppliedBatch()).toBe(-1);
      expect(canon(await a.rows())).toEqual(canon([row(['x'], null, [1])]));
      expect(canon(await b.rows())).toEqual(canon([row(['x'], null, [10])]));
      expect(await c.rows()).toEqual([]);
    });

    it('matches a reference model over many keys, batches, late rows and evictions, and across a restart', async () => {
      const ops: MergeOp[] = ['sum', 'sum', 'min', 'max'];
      const partitions = 2;
      const model = Array.from({ length: partitions }, () => new ReferenceState());
      let seed = 7;
      const rand = (n: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % n;
      };
      let watermark = 0;
      for (let b = 0; b < 8; b++) {
        if (b === 4) await fx.restart();
        const lateBeforeUs = watermark;
        watermark = Math.max(watermark, (b - 2) * 10 * S);
        const emit = (['updated', 'evicted', 'updated', 'evicted'] as const)[b % 4] as StateBatch['emit'];
        for (let p = 0; p < partitions; p++) {
          const rows: StateRow[] = [];
          for (let i = 0; i < 1500; i++) {
            const end = (rand(10) + b) * 10 * S;
            const v = rand(1000) - 500;
            rows.push(row(k(`w${rand(300)}-${p}`, end), end, [1, v, v / 7, `s${rand(50)}`]));
          }
          const input = batch(b, rows, { mergeOps: ops, lateBeforeUs, evictBeforeUs: watermark, emit });
          const s = await open(p);
          const got = await s.applyBatch(input);
          const want = (model[p] as ReferenceState).apply(input);
          expect(canonResult(got)).toEqual(canonResult(want));
          expect(canon(await s.rows())).toEqual(canon((model[p] as ReferenceState).rows()));
        }
      }
    });

    if (!options.fencing) return;
    it('refuses writes from an older epoch once a newer owner has written (fencing)', async () => {
      const newer = await open(0, 2);
      const older = await open(0, 1);
      await newer.applyBatch(batch(0, [row(['a'], null, [1])]));
      await expect(older.applyBatch(batch(1, [row(['a'], null, [1])]))).rejects.toThrow(ExecutionError);
      await expect(older.applyBatch(batch(1, [row(['a'], null, [1])]))).rejects.toThrow(/newer owner/);
      // Not even a replay of the batch it is stale for.
      await expect(older.applyBatch(batch(0, [row(['a'], null, [1])]))).rejects.toThrow(/newer owner/);
      expect(canon(await newer.rows())).toEqual(canon([row(['a'], null, [1])]));
      await newer.applyBatch(batch(1, [row(['a'], null, [1])]));
      const newest = await open(0, 3);
      expect(canon((await newest.applyBatch(batch(2, [row(['a'], null, [1])]))).rows)).toEqual(canon([row(['a'], null, [3])]));
      await expect(newer.applyBatch(batch(3, [row(['a'], null, [1])]))).rejects.toThrow(/newer owner/);
      await fx.restart();
      await expect((await open(0, 2)).applyBatch(batch(3, []))).rejects.toThrow(/newer owner/);
      expect(await (await open(0, 3)).lastAppliedBatch()).toBe(2);
    });
  });
}
