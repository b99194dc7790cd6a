import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedLines } from '../../engine/connectors/source.js';
import { ExecutionError, InternalError } from '../../engine/errors/errors.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import { RedisCheckpointStoreFactory } from '../../master/streaming/checkpoint/redis-checkpoint.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let redis: Redis;
let factory: RedisCheckpointStoreFactory;

beforeAll(async () => {
  server = await RedisServer.start({ appendfsync: 'always' });
  redis = new Redis(server.url);
  factory = new RedisCheckpointStoreFactory(redis);
});

afterAll(async () => {
  redis.disconnect();
  await server.close();
});

const wal = (name: string): string => CheckpointKeys.sourceLog(name, 0);
const ends = (name: string): string => CheckpointKeys.sourceLogEnds(name, 0);
const base = (name: string): string => CheckpointKeys.sourceLogBase(name, 0);

describe('RedisLineLog (the socket source write-ahead log)', () => {
  it('appends, counts and reads ranges', async () => {
    const log = (await factory.open('basic', false)).lineLog(0);
    expect(await log.length()).toBe(0);
    expect(await log.append([])).toBe(0);
    expect(await log.append(['a', 'b', 'c'])).toBe(3);
    expect(await log.append(['d'])).toBe(4);
    expect(await log.length()).toBe(4);
    expect(await log.read(1, 3)).toEqual(['b', 'c']);
    expect(await log.read(0, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(await log.read(2, 2)).toEqual([]);
    // One element per append (a header, then its lines joined: line-log-chunk.ts), indexed by running totals.
    expect(await redis.lrange(wal('basic'), 0, -1)).toEqual(['\u0001\na\nb\nc', '\u0001\nd']);
    expect(await redis.lrange(ends('basic'), 0, -1)).toEqual(['3', '4']);
  });

  it('keeps unicode, tabs, empty lines and carriage returns exactly', async () => {
    const lines = ['1700000000000\tcats and dogs', '', 'héllo wörld 🐈‍⬛ 猫', '\t\tleading tabs\t', 'cr\r', ' '];
    const log = (await factory.open('text', false)).lineLog(0);
    expect(await log.append(lines)).toBe(lines.length);
    const fresh = (await factory.open('text', false)).lineLog(0);
    expect(await fresh.length()).toBe(lines.length);
    expect(await fresh.read(0, lines.length)).toEqual(lines);
  });

  it('appends and reads 100k lines in one call each (one atomic script, one element per append)', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `${i}\tline number ${i}`);
    const log = (await factory.open('big', false)).lineLog(0);
    await log.append(['first']);
    expect(await log.append(lines)).toBe(100_001);
    expect(await redis.llen(wal('big'))).toBe(2);
    expect(await redis.lindex(ends('big'), -1)).toBe('100001');
    const back = await log.read(1, 100_001);
    expect(back).toHaveLength(100_000);
    expect(back[0]).toBe('0\tline number 0');
    expect(back[99_999]).toBe('99999\tline number 99999');
    expect(back.every((l, i) => l === lines[i])).toBe(true);
    expect(await log.read(25_000, 25_003)).toEqual(lines.slice(24_999, 25_002));
  });

  it('detects a lost suffix (Redis lost acknowledged writes) instead of replaying other lines', async () => {
    const log = (await factory.open('lost', false)).lineLog(0);
    expect(await log.append(['l0', 'l1', 'l2'])).toBe(3);
    expect(await log.append(['l3', 'l4'])).toBe(5);
    // Redis comes back without the last append (a crash with a lax fsync policy).
    await redis.ltrim(wal('lost'), 0, 0);
    await redis.ltrim(ends('lost'), 0, 0);
    await expect(log.append(['l5'])).rejects.toThrow(ExecutionError);
    await expect(log.append(['l5'])).rejects.toThrow(/has 3 lines but 5 were written/);
    await expect(log.length()).rejects.toThrow(/lost acknowledged writes/);
    // A reader after a restart (fresh instance) that needs lines the log no longer has fails too.
    const fresh = (await factory.open('lost', false)).lineLog(0);
    expect(await fresh.length()).toBe(3);
    await expect(fresh.read(0, 5)).rejects.toThrow(/has 3 lines but 5 were written/);
    expect(await redis.lrange(wal('lost'), 0, -1)).toEqual(['\u0001\nl0\nl1\nl2']);
  });

  it('treats a resent append whose lines are already there as done, and another writer as an error', async () => {
    const log = (await factory.open('resend', false)).lineLog(0);
    expect(await log.append(['a'])).toBe(1);
    // The script ran but its reply was lost with the connection; the client sends it again.
    await redis.rpush(wal('resend'), 'b\nc');
    await redis.rpush(ends('resend'), '3');
    expect(await log.append(['b', 'c'])).toBe(3);
    expect(await log.append(['d'])).toBe(4);
    await redis.rpush(wal('resend'), 'intruder');
    await redis.rpush(ends('resend'), '5');
    await expect(log.append(['e'])).rejects.toThrow(/another process is writing/);
    expect(await redis.lrange(wal('resend'), 0, -1)).toEqual(['\u0001\na', 'b\nc', '\u0001\nd', 'intruder']);
  });

  it('keeps received lines with one time per run of lines, and gives them back as records', async () => {
    const log = (await factory.open('received', false)).lineLog(0);
    const received = (runs: readonly (readonly [number, readonly string[]])[]): ReceivedLines => ({
      parts: runs.map(([t, ls]) => ({ bytes: Buffer.from(ls.map((l) => `${l}\n`).join('')), times: ls.map(() => t) })),
      count: runs.reduce((n, [, ls]) => n + ls.length, 0),
    });
    expect(await log.appendReceived?.(received([[1000, ['ä b', '']], [1000, ['c']], [1001, ['d\te']]]))).toBe(4);
    expect(await log.append(['plain'])).toBe(5);
    expect(await log.appendReceived?.(received([[1002, ['\u0001x']]]))).toBe(6);
    expect(await log.read(0, 6)).toEqual(['1000\tä b', '1000\t', '1000\tc', '1001\td\te', 'plain', '1002\t\u0001x']);
    expect(await log.read(2, 4)).toEqual(['1000\tc', '1001\td\te']);
    // One time per run: the lines are stored as received, after a short header.
    expect(await redis.lindex(wal('received'), 0)).toBe('\u00011000*3,1001*1\nä b\n\nc\nd\te');
    // A chunk written before this format (a time before each line) reads as it did.
    await redis.rpush(wal('received'), '1003\tf\n1003\tg');
    await redis.rpush(ends('received'), '8');
    expect(await log.read(5, 8)).toEqual(['1002\t\u0001x', '1003\tf', '1003\tg']);
  });

  it('treats a resent append of received lines that are already there as done', async () => {
    const log = (await factory.open('received-resend', false)).lineLog(0);
    const lines: ReceivedLines = { parts: [{ bytes: Buffer.from('x\ny\n'), times: [7, 8] }], count: 2 };
    expect(await log.append(['a'])).toBe(1);
    // The script ran but its reply was lost with the connection; the client sends it again.
    await redis.rpush(wal('received-resend'), '\u00017*1,8*1\nx\ny');
    await redis.rpush(ends('received-resend'), '3');
    expect(await log.appendReceived?.(lines)).toBe(3);
    await redis.rpush(wal('received-resend'), '\u00017*1,8*1\nx\nz');
    await redis.rpush(ends('received-resend'), '5');
    await expect(log.appendReceived?.(lines)).rejects.toThrow(/another process is writing/);
  });

  it('survives a kill -9 of Redis with everything acknowledged', async () => {
    const log = (await factory.open('crash', false)).lineLog(0);
    const lines = Array.from({ length: 30_000 }, (_, i) => `x${i}`);
    expect(await log.append(lines)).toBe(30_000);
    await server.restart(true);
    expect(await log.length()).toBe(30_000);
    expect(await log.append(['after'])).toBe(30_001);
    expect((await log.read(29_999, 30_001))).toEqual(['x29999', 'after']);
  });

  it('trims whole chunks below an index: length and the kept indexes stay, the last chunk stays, reads below are a bug', async () => {
    const log = (await factory.open('trim', false)).lineLog(0);
    expect(await log.append(['a', 'b'])).toBe(2);
    expect(await log.append(['c', 'd', 'e'])).toBe(5);
    expect(await log.append(['f'])).toBe(6);
    // Line 3 is inside the second chunk: only the first (lines 0-1) can go.
    await log.trim(3);
    expect(await redis.lrange(wal('trim'), 0, -1)).toEqual(['\u0001\nc\nd\ne', '\u0001\nf']);
    expect(await redis.lrange(ends('trim'), 0, -1)).toEqual(['5', '6']);
    expect(await redis.get(base('trim'))).toBe('2');
    expect(await log.length()).toBe(6);
    expect(await log.read(2, 6)).toEqual(['c', 'd', 'e', 'f']);
    expect(await log.read(3, 5)).toEqual(['d', 'e']);
    await expect(log.read(1, 3)).rejects.toThrow(InternalError);
    // Idempotent, and never below what it trimmed already.
    await log.trim(3);
    await log.trim(1);
    expect(await redis.llen(wal('trim'))).toBe(2);
    // Everything committed: all but the last chunk go, which keeps the length.
    await log.trim(6);
    expect(await redis.lrange(wal('trim'), 0, -1)).toEqual(['\u0001\nf']);
    expect(await redis.get(base('trim'))).toBe('5');
    const fresh = (await factory.open('trim', false)).lineLog(0);
    expect(await fresh.length()).toBe(6);
    expect(await fresh.read(5, 6)).toEqual(['f']);
    expect(await fresh.append(['g', 'h'])).toBe(8);
    expect(await fresh.read(5, 8)).toEqual(['f', 'g', 'h']);
    await expect(fresh.read(4, 6)).rejects.toThrow(/trimmed up to line 5/);
  });

  it('holds a bounded number of lines over a long run trimmed at each commit', async () => {
    const log = (await factory.open('long', false)).lineLog(0);
    let held = 0;
    for (let batch = 0; batch < 200; batch++) {
      const lines = Array.from({ length: 50 }, (_, i) => `b${batch}-${i}`);
      const end = await log.append(lines.slice(0, 20));
      expect(await log.append(lines.slice(20))).toBe(end + 30);
      // The batch reads its lines back (as a re-run would), then commits them.
      expect(await log.read(batch * 50, batch * 50 + 50)).toEqual(lines);
      await log.trim(batch * 50 + 50);
      const chunks = await redis.lrange(wal('long'), 0, -1);
      held = Math.max(held, chunks.flatMap((c) => c.split('\n').slice(1)).length);
      expect(await redis.llen(ends('long'))).toBe(1);
    }
    expect(held).toBe(30);
    expect(await log.length()).toBe(10_000);
  });

  it('reads a log written before trimming existed (no base key) from line 0', async () => {
    await redis.rpush(wal('old'), 'x\ny', 'z');
    await redis.rpush(ends('old'), '2', '3');
    const log = (await factory.open('old', false)).lineLog(0);
    expect(await log.read(0, 3)).toEqual(['x', 'y', 'z']);
    await log.trim(2);
    expect(await log.read(2, 3)).toEqual(['z']);
    expect(await log.append(['w'])).toBe(4);
  });

  it('refuses a trim by a run whose lease was taken over (nothing is dropped)', async () => {
    const older = await factory.open('trim-fenced', false);
    await older.acquireRunLease('run-1');
    const log = older.lineLog(0);
    await log.append(['a']);
    await log.append(['b']);
    await (await factory.open('trim-fenced', false)).acquireRunLease('run-2');
    await expect(log.trim(2)).rejects.toThrow(/CONCURRENT_STREAM_LOG_UPDATE/);
    expect(await redis.llen(wal('trim-fenced'))).toBe(2);
    expect(await redis.get(base('trim-fenced'))).toBeNull();
  });
});

