import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalError, NotSupportedError } from '../../engine/errors/errors.js';
import { StateKeys } from '../../infra/redis/keys.js';
import type { StateRow } from '../../engine/state/state-store.js';
import { RedisStateStoreProvider, STATE_STORE_REDIS_OPTIONS } from '../../worker/state/redis/redis-state-store.js';
import { RedisServer } from '../support/redis-server.js';
import { callsDelta, commandCalls, recordingLog, wordRows } from './redis-support.js';
import { batch, canon, row } from './state-store.contract.js';
import { eventually } from '../support/eventually.js';
import { WHOLE_KEY } from '../../engine/state/state-key.js';

const S = 1_000_000;
let server: RedisServer;
let admin: Redis;

beforeAll(async () => {
  server = await RedisServer.start({ appendfsync: 'everysec' });
  admin = new Redis(server.url);
});

afterAll(async () => {
  admin.disconnect();
  await server.close();
});

async function evalshaUsec(): Promise<number> {
  return Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);
}

/** Splits rows over `p` partitions as the shuffle would (by key). */
function partitioned(rows: readonly StateRow[], p: number): StateRow[][] {
  const parts = Array.from({ length: p }, (): StateRow[] => []);
  rows.forEach((r, i) => (parts[i % p] as StateRow[]).push(r));
  return parts;
}

describe('Redis state store: round trips, cost, layout', () => {
  it('one batch over P partitions costs exactly P EVALSHA round trips once the partitions are loaded; open() costs none', async () => {
    const P = 8;
    const client = new Redis(server.url, STATE_STORE_REDIS_OPTIONS);
    const provider = new RedisStateStoreProvider(client, recordingLog());
    const addr = /addr=(\S+)/.exec(String(await client.client('INFO')))?.[1];
    const monitor = await new Redis(server.url, { protocol: 2 }).monitor();
    // The MONITOR feed, in execution order; admin ECHO markers delimit each step.
    const feed: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === addr) feed.push(String(args[0]).toLowerCase());
      else if (String(args[0]).toLowerCase() === 'echo') feed.push(`@${String(args[1])}`);
    });
    const mark = async (name: string): Promise<void> => {
      await admin.echo(name);
      await eventually(() => feed.includes(`@${name}`), { intervalMs: 5, message: `the MONITOR feed to show marker ${name}` });
    };
    const between = (from: string, to: string): string[] => feed.slice(feed.indexOf(`@${from}`) + 1, feed.indexOf(`@${to}`));
    const report: string[] = [];
    try {
      const open = (): Promise<Awaited<ReturnType<typeof provider.open>>[]> =>
        Promise.all(Array.from({ length: P }, (_, p) => provider.open({ checkpoint: 'cost/word-count', operatorId: 0, partition: p, epoch: 1 })));
      // Warm up: the first apply after a start loads the script (NOSCRIPT, SCRIPT LOAD, EVALSHA).
      await (await open())[0]?.applyBatch(batch(0, []));
      for (let b = 1; b <= 6; b++) {
        const watched = b <= 2;
        if (!watched) monitor.disconnect();
        if (watched) await mark(`start-${b}`);
        const before = await commandCalls(admin);
        const usecBefore = await evalshaUsec();
        const stores = await open();
        if (watched) await mark(`opened-${b}`);
        const parts = partitioned(wordRows(10_000, (10 + (b % 2)) * 10 * S), P);
        const started = performance.now();
        const results = await Promise.all(
          stores.map((s, p) => s.applyBatch(batch(b, parts[p] as StateRow[], { lateBeforeUs: 0, evictBeforeUs: b === 6 ? 200 * S : 0 }))),
        );
        const ms = performance.now() - started;
        const delta = callsDelta(before, await commandCalls(admin));
        expect(delta['evalsha']).toBe(P);
        expect(delta['eval'] ?? 0).toBe(0);
        expect(delta['script|load'] ?? 0).toBe(0);
        // Partitions 1..P-1 are new to this provider in batch 1: each is read once (one transaction).
        expect(delta['exec'] ?? 0).toBe(b === 1 ? P - 1 : 0);
        if (watched) {
          await mark(`end-${b}`);
          expect(between(`start-${b}`, `opened-${b}`)).toEqual([]);
          // A load also checks that the partition's rows are not kept by pane (the other layout).
          const loads = b === 1 ? Array.from({ length: P - 1 }, () => ['multi', 'hmget', 'hgetall', 'exists', 'exec']).flat() : [];
          expect(between(`opened-${b}`, `end-${b}`).filter((c) => c !== 'evalsha')).toEqual(loads);
          expect(between(`opened-${b}`, `end-${b}`).filter((c) => c === 'evalsha')).toHaveLength(P);
        }
        expect(results.reduce((n, r) => n + r.numRowsUpdated, 0)).toBe(10_000);
        const inside = Object.entries(delta)
          .filter(([name]) => !['evalsha', 'info', 'echo', 'multi', 'exec', 'hgetall'].includes(name) && !(b === 1 && (name === 'hmget' || name === 'exists')))
          .map(([name, n]) => `${name} ${n}`)
          .join(', ');
        const redisMs = ((await evalshaUsec()) - usecBefore) / 1000;
        report.push(
          `batch ${b} (${b <= 2 ? 'new keys' : b === 6 ? 'merge + evict all' : 'merge'}): ${ms.toFixed(0)} ms wall${watched ? ' (MONITOR on)' : ''}, ` +
            `${redisMs.toFixed(1)} ms in Redis scripts; round trips: evalsha ${delta['evalsha']}${b === 1 ? `, loads ${P - 1}` : ''}; inside the scripts: ${inside}`,
        );
      }
      console.log(`10k keys over ${P} partitions, one apply per partition:\n  ${report.join('\n  ')}`);
    } finally {
      monitor.disconnect();
      await provider.close();
      client.disconnect();
    }
  });

  it('a worker merges against its copy of the partition and reloads it when another writer changed it', async () => {
    const cp = 'cost/copies';
    const a = new RedisStateStoreProvider({ url: server.url }, recordingLog());
    const b = new RedisStateStoreProvider({ url: server.url }, recordingLog());
    try {
      const at = (p: RedisStateStoreProvider, epoch: number): Promise<Awaited<ReturnType<typeof p.open>>> =>
        p.open({ checkpoint: cp, operatorId: 0, partition: 0, epoch });
      await (await at(a, 1)).applyBatch(batch(0, [row(['x'], null, [1])]));
      await (await at(a, 1)).applyBatch(batch(1, [row(['x'], null, [1])]));
      // The partition moves to B (newer epoch), which loads it and writes batch 2.
      await (await at(b, 2)).applyBatch(batch(2, [row(['x'], null, [10]), row(['y'], null, [1])]));
      // It moves back to A: A's copy is from batch 1, so the version check sends A to reload.
      const before = await commandCalls(admin);
      const r = await (await at(a, 3)).applyBatch(batch(3, [row(['x'], null, [100])]));
      const delta = callsDelta(before, await commandCalls(admin));
      expect(canon(r.rows)).toEqual(canon([row(['x'], null, [112])]));
      expect(r.numRowsTotal).toBe(2);
      expect(delta['evalsha']).toBe(2);
      expect(delta['exec']).toBe(1);
      // Deleted under A's feet (the checkpoint was dropped and the name reused): A starts over too.
      await admin.del(StateKeys.rows(cp, 0, 0), StateKeys.meta(cp, 0, 0), StateKeys.output(cp, 0, 0));
      const fresh = await (await at(a, 1)).applyBatch(batch(0, [row(['x'], null, [5])]));
      expect(canon(fresh.rows)).toEqual(canon([row(['x'], null, [5])]));
      expect(fresh.numRowsTotal).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps copies of at most maxCachedRows rows, dropping the least recently used partition', async () => {
    const cp = 'cost/budget';
    const provider = new RedisStateStoreProvider({ url: server.url }, recordingLog(), { maxCachedRows: 1500 });
    try {
      const open = (p: number): ReturnType<typeof provider.open> => provider.open({ checkpoint: cp, operatorId: 0, partition: p, epoch: 1 });
      for (const p of [0, 1]) await (await open(p)).applyBatch(batch(0, wordRows(1000, 10 * S)));
      // Partition 0 was dropped to make room for 1: applying to it again reads it once.
      let before = await commandCalls(admin);
      const r0 = await (await open(0)).applyBatch(batch(1, wordRows(10, 10 * S)));
      expect(callsDelta(before, await commandCalls(admin))['exec']).toBe(1);
      expect(r0.numRowsTotal).toBe(1000);
      before = await commandCalls(admin);
      await (await open(0)).applyBatch(batch(2, wordRows(10, 10 * S)));
      expect(callsDelta(before, await commandCalls(admin))['exec'] ?? 0).toBe(0);
    } finally {
      await provider.close();
    }
  });

  it("release(checkpoint) drops the copies of that checkpoint's partitions only: the next apply there reloads once, others do not", async () => {
    const provider = new RedisStateStoreProvider({ url: server.url }, recordingLog());
    try {
      // 'rel/a' and 'rel/ab': one checkpoint name a prefix of the other must not be released with it.
      const open = (cp: string): ReturnType<typeof provider.open> => provider.open({ checkpoint: cp, operatorId: 0, partition: 0, epoch: 1 });
      for (const cp of ['rel/a', 'rel/ab']) await (await open(cp)).applyBatch(batch(0, wordRows(100, 10 * S)));
      provider.release('rel/a');
      let before = await commandCalls(admin);
      const r = await (await open('rel/a')).applyBatch(batch(1, wordRows(10, 10 * S)));
      expect(callsDelta(before, await commandCalls(admin))['exec']).toBe(1);
      expect(r.numRowsTotal).toBe(100);
      before = await commandCalls(admin);
      await (await open('rel/ab')).applyBatch(batch(1, wordRows(10, 10 * S)));
      expect(callsDelta(before, await commandCalls(admin))['exec'] ?? 0).toBe(0);
    } finally {
      await provider.close();
    }
  });

  it('keeps each partition under its StateKeys names, all in one hash slot; memoryUsedBytes tracks the encoded size', async () => {
    const provider = new RedisStateStoreProvider({ url: server.url }, recordingLog());
    try {
      const cp = 'layout/{weird} name*';
      for (const p of [0, 1]) {
        const s = await provider.open({ checkpoint: cp, operatorId: 3, partition: p, epoch: 1 });
        await s.applyBatch(batch(0, [row(['a', p], 10 * S, [1]), row(['b', p], null, [2])], { emit: 'evicted' }));
      }
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await admin.scan(cursor, 'MATCH', StateKeys.pattern(cp).replace(/[{}*[\]?]/g, (c) => (c === '*' ? c : `\\${c}`)), 'COUNT', 1000);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
      const expected = [0, 1].flatMap((p) => [StateKeys.rows(cp, 3, p), StateKeys.meta(cp, 3, p), StateKeys.output(cp, 3, p)]);
      expect(keys.sort()).toEqual([...expected].sort());
      for (const p of [0, 1]) {
        expect(await admin.type(StateKeys.rows(cp, 3, p))).toBe('hash');
        expect(await admin.type(StateKeys.meta(cp, 3, p))).toBe('hash');
        expect(await admin.type(StateKeys.output(cp, 3, p))).toBe('string');
        const tags = new Set([StateKeys.rows, StateKeys.meta, StateKeys.output].map((f) => /\{[^}]*\}/.exec(f(cp, 3, p))?.[0]));
        expect(tags.size).toBe(1);
        expect(await admin.hget(StateKeys.rows(cp, 3, p), JSON.stringify(['a', p]))).toBe(`[${10 * S},1]`);
      }
      // The estimate follows inserts and evictions exactly back to zero.
      const s = await provider.open({ checkpoint: 'layout/bytes', operatorId: 0, partition: 0, epoch: 1 });
      const r0 = await s.applyBatch(batch(0, wordRows(1000, 10 * S)));
      const r1 = await s.applyBatch(batch(1, wordRows(1000, 10 * S)));
      const used = Number(await admin.memory('USAGE', StateKeys.rows('layout/bytes', 0, 0)));
      console.log(`memoryUsedBytes estimate ${r1.memoryUsedBytes} vs MEMORY USAGE of the rows hash ${used}`);
      expect(r0.memoryUsedBytes).toBeGreaterThan(0);
      const r2 = await s.applyBatch(batch(2, [], { evictBeforeUs: 10 * S }));
      expect(r2.numRowsRemoved).toBe(1000);
      expect(r2.memoryUsedBytes).toBe(0);
    } finally {
      await provider.close();
    }
  });

  it('reloads the script after Redis forgot it (SCRIPT FLUSH, as after a restart)', async () => {
    const provider = new RedisStateStoreProvider({ url: server.url }, recordingLog());
    try {
      const s = await provider.open({ checkpoint: 'cost/flush', operatorId: 0, partition: 0, epoch: 1 });
      await s.applyBatch(batch(0, [row(['a'], null, [1])]));
      await admin.script('FLUSH');
      const before = await commandCalls(admin);
      const r = await s.applyBatch(batch(1, [row(['a'], null, [1])]));
      expect(canon(r.rows)).toEqual(canon([row(['a'], null, [2])]));
      const delta = callsDelta(before, await commandCalls(admin));
      expect(delta['script|load']).toBe(1);
      expect(delta['evalsha']).toBe(2);
    } finally {
      await provider.close();
    }
  });

  it('rejects what Redis state cannot hold before touching Redis, and keeps strings valid UTF-8', async () => {
    const provider = new RedisStateStoreProvider({ url: server.url }, recordingLog());
    try {
      const s = await provider.open({ checkpoint: 'cost/reject', operatorId: 0, partition: 0, epoch: 1 });
      await expect(s.applyBatch(batch(0, [row(['a'], null, [[1]])], { mergeOps: ['union'] }))).rejects.toThrow(NotSupportedError);
      await expect(s.applyBatch(batch(0, [row(['a'], null, [new Uint8Array([1])])], { mergeOps: ['max'] }))).rejects.toThrow(/Uint8Array/);
      await expect(s.applyBatch(batch(0, [row(['a'], null, ['1'])], { mergeOps: ['sum'] }))).rejects.toThrow(InternalError);
      await expect(s.applyBatch(batch(0, [{ group: 'not-a-key', member: WHOLE_KEY, eventTimeUs: null, buffers: [1] }]))).rejects.toThrow(InternalError);
      await expect(provider.open({ checkpoint: 'x', operatorId: 0, partition: -1, epoch: 1 })).rejects.toThrow(InternalError);
      expect(await s.lastAppliedBatch()).toBe(-1);
      // Strings are UTF-8 in Redis (and in Spark): a lone surrogate becomes U+FFFD, paired ones stay.
      await s.applyBatch(batch(0, [row(['s'], null, ['a\ud800b', '😀'])], { mergeOps: ['min', 'max'] }));
      const r = await s.applyBatch(batch(1, [row(['s'], null, ['z\udc00', '😀x'])], { mergeOps: ['min', 'max'] }));
      expect(canon(r.rows)).toEqual(canon([row(['s'], null, ['a\uFFFDb', '😀x'])]));
    } finally {
      await provider.close();
    }
  });

  it('closes the connection it opened, and leaves a caller-owned client open', async () => {
    const own = new RedisStateStoreProvider({ url: server.url }, recordingLog());
    await (await own.open({ checkpoint: 'cost/close', operatorId: 0, partition: 0, epoch: 1 })).lastAppliedBatch();
    await own.close();
    const client = new Redis(server.url);
    const shared = new RedisStateStoreProvider(client, recordingLog());
    await shared.close();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});
