import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotSupportedError } from '../../engine/errors/errors.js';
import type { PaneStateBatch, StateBatch, StateRow, StateStore } from '../../engine/state/state-store.js';
import { stateKeyValues } from '../../engine/state/state-key.js';
import { seededRandom } from '../../engine/util/random.js';
import { StateKeys } from '../../infra/redis/keys.js';
import { RedisStateStoreProvider } from '../../worker/state/redis/redis-state-store.js';
import { RedisServer } from '../support/redis-server.js';
import { callsDelta, commandCalls } from './redis-support.js';
import { batch, canon, row } from './state-store.contract.js';

/**
 * State kept by pane (`StateBatch.panes`, checkpoint conf `kindling.sql.streaming.paneState`): the
 * Redis store persists one row per (pane, word) and makes the (window, word) rows from them; batch
 * after batch, after a reload by a new process and on a replay of an applied batch, it returns
 * exactly what the store keeping window rows returns for the same window rows, while writing a
 * row per pane, not per window.
 */
const S = 1_000_000;
const PANE = 5 * S;
const WINDOWS = 12; // 60 s windows sliding by 5 s
const quietLog = { warn: () => undefined, info: () => undefined };

let server: RedisServer;
let redis: Redis;
let n = 0;

beforeAll(async () => {
  server = await RedisServer.start({ appendfsync: 'always' });
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis.disconnect();
  await server.close();
});

/** The (window, word) rows pane rows [paneStart, word] make: each pane's count in its 12 windows, summed per window. */
function windowsOf(paneRows: readonly StateRow[]): StateRow[] {
  const byKey = new Map<string, { start: number; word: string; count: number }>();
  for (const p of paneRows) {
    const [pane, word] = (p.keyValues ?? stateKeyValues(p)) as [number, string];
    for (let k = 0; k < WINDOWS; k++) {
      const start = pane - k * PANE;
      const id = `${start}/${word}`;
      const held = byKey.get(id);
      if (held) held.count += p.buffers[0] as number;
      else byKey.set(id, { start, word, count: p.buffers[0] as number });
    }
  }
  return [...byKey.values()].map((w) => row([[w.start, w.start + WINDOWS * PANE], w.word], w.start + WINDOWS * PANE, [w.count]));
}

/** Batch `b`: words counted in the pane of the batch's clock (several batches per pane), as PaneExpand would hand them over. */
function paneRows(b: number, seed: number): StateRow[] {
  const rnd = seededRandom(seed * 1000 + b);
  const pane = 1_700_000_000 * S + Math.floor(b / 3) * PANE;
  const counts = new Map<string, number>();
  for (let i = 0; i < 40; i++) {
    const w = `w${Math.floor(rnd() * 25)}`;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts].map(([w, c]) => row([pane, w], null, [c]));
}

function paneBatch(b: number, seed: number, emit: StateBatch['emit'] = 'updated'): { byPane: StateBatch; byWindow: StateBatch } {
  const panes = paneRows(b, seed);
  const state: PaneStateBatch = { rows: panes, windows: windowsOf };
  const rows = windowsOf(panes);
  return { byPane: batch(b, rows, { emit, panes: state }), byWindow: batch(b, rows, { emit }) };
}

function open(provider: RedisStateStoreProvider, checkpoint: string): Promise<StateStore> {
  return provider.open({ checkpoint, operatorId: 0, partition: 0, epoch: 1, run: 1 });
}

describe('Redis state kept by pane', () => {
  it('emits what window rows give, batch after batch, across a reload and on replays of an applied batch, with the panes as totals', async () => {
    const paneCp = `pane-${n++}`;
    const windowCp = `window-${n++}`;
    let provider = new RedisStateStoreProvider(redis, quietLog);
    const reference = new RedisStateStoreProvider(redis, quietLog);
    const byWindow = await open(reference, windowCp);
    const totals = new Map<string, number>();
    for (let b = 0; b < 12; b++) {
      // Every fourth batch a new provider: the copy is made again from the panes Redis holds.
      if (b % 4 === 3) provider = new RedisStateStoreProvider(redis, quietLog);
      const store = await open(provider, paneCp);
      const emit = b === 5 ? 'all' : 'updated';
      const { byPane: p, byWindow: w } = paneBatch(b, 1, emit);
      const got = await store.applyBatch(p);
      const want = await byWindow.applyBatch(w);
      expect(canon(got.rows)).toEqual(canon(want.rows));
      // The panes as the batch left them (totals, for the driver): the batch's, or every one for 'all'.
      for (const r of (p.panes as PaneStateBatch).rows) {
        const id = JSON.stringify(stateKeyValues(r));
        totals.set(id, (totals.get(id) ?? 0) + (r.buffers[0] as number));
      }
      const paneTotals = (emitted: StateBatch['emit']): [string, number][] => {
        const ids = emitted === 'all' ? [...totals.keys()] : (p.panes as PaneStateBatch).rows.map((r) => JSON.stringify(stateKeyValues(r)));
        return ids.map((id): [string, number] => [id, totals.get(id) as number]).sort();
      };
      const totalsOf = (rows: readonly StateRow[] | undefined): [string, number][] =>
        (rows ?? []).map((r): [string, number] => [JSON.stringify(r.keyValues ?? stateKeyValues(r)), r.buffers[0] as number]).sort();
      expect(totalsOf(got.paneRows)).toEqual(paneTotals(emit));
      expect([got.numRowsTotal, got.numRowsUpdated, got.replayed]).toEqual([want.numRowsTotal, want.numRowsUpdated, false]);
      // The same batch again (a resent apply, a retried task), from this copy and from a new process.
      for (const again of [store, await open(new RedisStateStoreProvider(redis, quietLog), paneCp)]) {
        // (A batch applied with 'all' records no rows by window: its replay asking for updated rows is not compared.)
        for (const replayEmit of emit === 'all' ? (['all'] as const) : (['updated', 'all'] as const)) {
          const { byPane: rp, byWindow: rw } = paneBatch(b, 1, replayEmit);
          const replay = await again.applyBatch(rp);
          const reference = await byWindow.applyBatch(rw);
          expect([replay.replayed, reference.replayed]).toEqual([true, true]);
          expect(canon(replay.rows)).toEqual(canon(reference.rows));
          expect(totalsOf(replay.paneRows)).toEqual(paneTotals(replayEmit));
          expect(replay.numRowsTotal).toBe(want.numRowsTotal);
        }
      }
    }
  });

  it('writes one row per (pane, word), not one per window', async () => {
    const provider = new RedisStateStoreProvider(redis, quietLog);
    const store = await open(provider, `pane-${n++}`);
    await store.applyBatch(paneBatch(0, 2).byPane);
    const { byPane } = paneBatch(1, 2);
    const before = await commandCalls(redis);
    await store.applyBatch(byPane);
    const calls = callsDelta(before, await commandCalls(redis));
    expect(calls['evalsha']).toBe(1);
    const checkpoint = `pane-${n - 1}`;
    expect(await redis.hlen(StateKeys.panes(checkpoint, 0, 0))).toBe(new Set([...paneRows(0, 2), ...paneRows(1, 2)].map((r) => r.member)).size);
    expect(await redis.exists(StateKeys.rows(checkpoint, 0, 0))).toBe(0);
    expect((byPane.panes as PaneStateBatch).rows.length * WINDOWS).toBe(byPane.rows.length);
  });

  it('refuses to read state kept in the other layout, and late filters or eviction with panes', async () => {
    const checkpoint = `pane-${n++}`;
    await (await open(new RedisStateStoreProvider(redis, quietLog), checkpoint)).applyBatch(paneBatch(0, 3).byPane);
    await expect((await open(new RedisStateStoreProvider(redis, quietLog), checkpoint)).applyBatch(paneBatch(1, 3).byWindow)).rejects.toThrow(NotSupportedError);
    const windowCp = `window-${n++}`;
    await (await open(new RedisStateStoreProvider(redis, quietLog), windowCp)).applyBatch(paneBatch(0, 3).byWindow);
    await expect((await open(new RedisStateStoreProvider(redis, quietLog), windowCp)).applyBatch(paneBatch(1, 3).byPane)).rejects.toThrow(NotSupportedError);
    const store = await open(new RedisStateStoreProvider(redis, quietLog), `pane-${n++}`);
    await expect(store.applyBatch({ ...paneBatch(0, 3).byPane, evictBeforeUs: 0 })).rejects.toThrow(/complete mode only/);
  });
});
