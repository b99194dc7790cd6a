import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToRows } from '../../engine/batch/record-batch.js';
import { E } from '../../engine/expr/expr.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { CheckpointKeys, OwnershipKeys, StateKeys } from '../../infra/redis/keys.js';
import { T } from '../../engine/types/data-type.js';
import type { Session } from '../../master/session/session.js';
import type { StreamingQuery } from '../../master/streaming/streaming-query.js';
import { RedisServer } from '../support/redis-server.js';
import { redisRuntime } from './redis-runtime.js';
import { eventually, letTimePass } from '../support/eventually.js';
import { decodeChunk } from '../../master/streaming/checkpoint/line-log-chunk.js';

/** A line server like `nc -lk`: every line sent goes to the clients connected now. */
class LineServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly sockets: Set<Socket>,
  ) {}

  static async start(): Promise<LineServer> {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    return new LineServer(server, typeof address === 'object' && address ? address.port : 0, sockets);
  }

  async send(lines: readonly string[]): Promise<void> {
    await eventually(() => this.sockets.size > 0, 'the socket source to connect');
    for (const s of this.sockets) s.write(lines.map((l) => `${l}\n`).join(''));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

let redisServer: RedisServer;
let lines: LineServer;
const dirs: string[] = [];

beforeAll(async () => {
  redisServer = await RedisServer.start({ appendfsync: 'always' });
  lines = await LineServer.start();
});

afterAll(async () => {
  await lines.close();
  await redisServer.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const socketRead = (port: number): LogicalPlan => ({
  kind: 'read',
  source: { type: 'dataSource', format: 'socket', options: { host: '127.0.0.1', port: String(port) }, paths: [] },
  isStreaming: true,
});

const wordCounts = (port: number): LogicalPlan => ({
  kind: 'aggregate',
  groupType: 'groupby',
  input: {
    kind: 'project',
    input: socketRead(port),
    exprs: [E.alias(E.call('explode', [E.call('split', [E.col('value'), E.lit(' ', T.string)])]), 'word')],
  },
  grouping: [E.col('word')],
  aggregates: [E.alias(E.call('count', [E.lit(1, T.integer)]), 'count')],
});

function counts(session: Session, table: string): Record<string, number> {
  const sink = session.catalog.memorySink(table);
  const out: Record<string, number> = {};
  if (sink) for (const [w, c] of batchToRows(sink.snapshot())) out[w as string] = Number(c);
  return out;
}

const sameCounts = (a: Record<string, number>, b: Record<string, number>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

function startWordCount(session: Session, checkpointLocation: string): Promise<StreamingQuery> {
  return session.startStream({
    input: wordCounts(lines.port),
    format: 'memory',
    options: { checkpointLocation },
    outputMode: 'complete',
    queryName: 'wc',
    trigger: { kind: 'default' },
  });
}

describe('a socket query checkpointed in Redis', () => {
  it('logs offsets and commits in Spark format, fences partitions, and resumes with exact counts', async () => {
    // The memory state store keeps its files under the checkpoint name, so make it a scratch path.
    const name = join(tmpdir(), `kindling-redis-wc-${randomUUID()}`);
    dirs.push(name);
    const rt1 = redisRuntime(redisServer.url);
    const redis = rt1.redis;
    const q1 = await startWordCount(rt1.session, name);
    await lines.send(['a b', 'b c']);
    await eventually(() => sameCounts(counts(rt1.session, 'wc'), { a: 1, b: 2, c: 1 }), 'the first counts');
    await lines.send(['c c']);
    await eventually(() => sameCounts(counts(rt1.session, 'wc'), { a: 1, b: 2, c: 3 }), 'the second counts');

    // Ownership and fencing epochs were recorded before tasks ran.
    const owners = JSON.parse((await redis.get(OwnershipKeys.owners(q1.id))) as string) as { owners: string[]; epochs: number[] };
    expect(owners.owners).toHaveLength(3);
    for (let p = 0; p < 3; p++) {
      expect(await redis.hget(StateKeys.meta(name, 0, p), 'epoch')).toBe(String(owners.epochs[p]));
    }
    await q1.stop();
    expect(q1.exception()).toBeUndefined();
    expect(await redis.get(OwnershipKeys.owners(q1.id))).toBeNull();

    expect(JSON.parse((await redis.get(CheckpointKeys.metadata(name))) as string)).toEqual({ id: q1.id });
    const offsets = await redis.hgetall(CheckpointKeys.offsets(name));
    const commits = await redis.hgetall(CheckpointKeys.commits(name));
    const batchIds = Object.keys(offsets).map(Number).sort((a, b) => a - b);
    expect(batchIds.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(commits).map(Number).sort((a, b) => a - b)).toEqual(batchIds);
    for (const id of batchIds) {
      expect(offsets[id]).toMatch(
        /^v1\n\{"batchWatermarkMs":0,"batchTimestampMs":\d+,"conf":\{"spark\.sql\.shuffle\.partitions":"3","spark\.sql\.streaming\.multipleWatermarkPolicy":"min","spark\.sql\.streaming\.stateStore\.providerClass":"memory","kindling\.sql\.streaming\.paneShuffle":"true","kindling\.sql\.streaming\.paneState":"(true|false)"\}\}\n-?\d+$/,
      );
      expect(commits[id]).toBe('v1\n{"nextBatchWatermarkMs":0}');
    }
    const last = batchIds.at(-1) as number;
    expect(offsets[last]?.split('\n')[2]).toBe('2');
    // Committed lines were trimmed but for the last append ('c c', sent on its own): a log keeps its last chunk.
    const wal = (await redis.lrange(CheckpointKeys.sourceLog(name, 0), 0, -1)).flatMap((chunk) => decodeChunk(chunk));
    expect(wal.map((r) => r.slice(r.indexOf('\t') + 1))).toEqual(['c c']);
    expect(wal.every((r) => /^\d+\t/.test(r))).toBe(true);
    expect(await redis.get(CheckpointKeys.sourceLogBase(name, 0))).toBe('2');

    // As if the master died after logging the last batch's offsets but before its commit.
    await redis.hdel(CheckpointKeys.commits(name), String(last));
    await rt1.close();

    const rt2 = redisRuntime(redisServer.url);
    const q2 = await startWordCount(rt2.session, name);
    expect(q2.id).toBe(q1.id);
    await eventually(() => sameCounts(counts(rt2.session, 'wc'), { a: 1, b: 2, c: 3 }), 'the re-run batch');
    // The sink holds the rows before the batch's commit is written and its progress reported.
    await eventually(() => q2.recentProgress().length > 0, 'the re-run batch to report progress');
    const rerun = q2.recentProgress()[0];
    expect(rerun?.batchId).toBe(last);
    expect(rerun?.sources[0]?.endOffset).toBe(2);
    // Its line ('c c') came back from the write-ahead log in Redis.
    expect(rerun?.numInputRows).toBe(1);
    await lines.send(['a d']);
    await eventually(() => sameCounts(counts(rt2.session, 'wc'), { a: 2, b: 2, c: 3, d: 1 }), 'counts after the restart');
    await q2.stop();
    expect(q2.exception()).toBeUndefined();
    expect(await rt2.redis.hget(CheckpointKeys.commits(name), String(last))).toBe('v1\n{"nextBatchWatermarkMs":0}');
    expect(await rt2.redis.lindex(CheckpointKeys.sourceLogEnds(name, 0), -1)).toBe('4');
    await rt2.close();
  });

  it('keeps the lines that arrive while Redis is down and logs each exactly once when it is back', async () => {
    const own = await RedisServer.start({ appendfsync: 'always' });
    const name = join(tmpdir(), `kindling-redis-down-${randomUUID()}`);
    dirs.push(name);
    const rt = redisRuntime(own.url);
    try {
      const q = await startWordCount(rt.session, name);
      await lines.send(['a b']);
      await eventually(() => sameCounts(counts(rt.session, 'wc'), { a: 1, b: 1 }), 'the first counts');
      await own.kill();
      // Received while the log cannot take them: they must wait, not vanish.
      await lines.send(['b c', 'c c c']);
      await letTimePass(700, 'Redis stays down while the source holds the lines it cannot log yet');
      await own.launch();
      await lines.send(['d']);
      await eventually(() => sameCounts(counts(rt.session, 'wc'), { a: 1, b: 2, c: 4, d: 1 }), { timeoutMs: 60_000, message: 'every line counted once' });
      // The lines still logged (committed ones are trimmed) are the last of the four, each once.
      const [base, chunks, total] = ((await rt.redis
        .multi()
        .get(CheckpointKeys.sourceLogBase(name, 0))
        .lrange(CheckpointKeys.sourceLog(name, 0), 0, -1)
        .lindex(CheckpointKeys.sourceLogEnds(name, 0), -1)
        .exec()) ?? []).map(([, v]) => v) as [string | null, string[], string | null];
      const wal = chunks.flatMap((chunk) => decodeChunk(chunk));
      expect(total).toBe('4');
      expect(wal.map((r) => r.slice(r.indexOf('\t') + 1))).toEqual(['a b', 'b c', 'c c c', 'd'].slice(Number(base ?? 0)));
      expect(q.exception()).toBeUndefined();
      await q.stop();
    } finally {
      await rt.close();
      await own.close();
    }
  });

  it('deletes a temporary checkpoint from Redis when its query stops cleanly', async () => {
    const rt = redisRuntime(redisServer.url);
    const q = await rt.session.startStream({
      input: { kind: 'project', input: socketRead(lines.port), exprs: [E.col('value')] },
      format: 'memory',
      options: {},
      outputMode: 'append',
      queryName: 'echo',
      trigger: { kind: 'default' },
    });
    await lines.send(['x', 'y']);
    await eventually(() => (rt.session.catalog.memorySink('echo')?.snapshot().numRows ?? 0) === 2, 'the echoed lines');
    expect(await rt.redis.keys('kindling:{cp:temporary-*')).not.toEqual([]);
    await q.stop();
    expect(await rt.redis.keys('kindling:{cp:temporary-*')).toEqual([]);
    await rt.close();
  });
});
