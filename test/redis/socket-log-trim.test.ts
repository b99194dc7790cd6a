import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToRows } from '../../engine/batch/record-batch.js';
import { linesReader } from '../../engine/connectors/socket/lines-reader.js';
import type { LineLog, Offset, SourceContext } from '../../engine/connectors/source.js';
import { systemClock } from '../../engine/util/clock.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import { SOCKET_TRIM_LOG_CONF, SocketSource } from '../../master/sources/socket-source.js';
import { RedisCheckpointStoreFactory } from '../../master/streaming/checkpoint/redis-checkpoint.js';
import { RedisServer } from '../support/redis-server.js';
import { eventually } from '../support/eventually.js';
import { decodeChunk } from '../../master/streaming/checkpoint/line-log-chunk.js';

/** A line server like `nc -lk` (one client). */
class LineServer {
  client: Socket | undefined;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<LineServer> {
    let ls: LineServer | undefined;
    const server = createServer((s) => {
      s.on('error', () => undefined);
      if (ls) ls.client = s;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    ls = new LineServer(server, typeof address === 'object' && address ? address.port : 0);
    return ls;
  }

  async send(lines: readonly string[]): Promise<void> {
    await eventually(() => this.client !== undefined, 'the socket source to connect');
    this.client?.write(lines.map((l) => `${l}\n`).join(''));
  }

  async close(): Promise<void> {
    this.client?.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

let server: RedisServer;
let redis: Redis;
let factory: RedisCheckpointStoreFactory;
let sender: LineServer;

beforeAll(async () => {
  server = await RedisServer.start({ appendfsync: 'always' });
  redis = new Redis(server.url);
  factory = new RedisCheckpointStoreFactory(redis);
  sender = await LineServer.start();
});

afterAll(async () => {
  await sender.close();
  redis.disconnect();
  await server.close();
});

const warnings: object[] = [];
async function context(name: string, wrap: (log: LineLog) => LineLog = (l) => l, conf: Record<string, string> = {}): Promise<SourceContext> {
  const checkpoint = await factory.open(name, false);
  const log = pino({ level: 'silent' });
  return {
    clock: systemClock,
    metadata: checkpoint.sourceMetadata(0),
    lineLog: () => wrap(checkpoint.lineLog(0)),
    log: { info: () => undefined, error: () => undefined, warn: (o: object, msg?: string) => (warnings.push({ ...o, msg }), log.warn(o, msg)) },
    parallelism: () => 2,
    conf: (key) => conf[key],
  };
}

/** The rows of a batch: [line, arrival time]. */
async function batchRows(source: SocketSource, start: Offset | null, end: Offset): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const split of await source.planSplits(start, end)) {
    for (const b of await linesReader.read(split, { timeZone: 'UTC', ansi: true, batchTimestampUs: 0 })) for (const row of batchToRows(b)) out.push([...row]);
  }
  return out;
}

async function nextEnd(source: SocketSource, from: Offset | null, expected: number): Promise<Offset> {
  return eventually(async () => ((await source.latestOffset(from)) === expected ? expected : null), `line ${expected} logged`);
}

/** Lines the Redis log still holds, and where they start. */
async function held(name: string): Promise<{ base: number; lines: number; total: number }> {
  const replies = (await redis.multi().get(CheckpointKeys.sourceLogBase(name, 0)).lrange(CheckpointKeys.sourceLog(name, 0), 0, -1).lindex(CheckpointKeys.sourceLogEnds(name, 0), -1).exec()) ?? [];
  const [base, chunks, total] = replies.map(([, v]) => v) as [string | null, string[], string | null];
  return { base: Number(base ?? 0), lines: chunks.reduce((n, c) => n + decodeChunk(c).length, 0), total: Number(total ?? 0) };
}

describe('the socket source trims its Redis write-ahead log as batches commit', () => {
  it('keeps a bounded log over many batches, and a restart re-runs the uncommitted batch exactly', async () => {
    const name = 'trim-restart';
    const options = { host: '127.0.0.1', port: sender.port, includeTimestamp: true };
    const first = new SocketSource(options, await context(name));
    const batch = (k: number): string[] => Array.from({ length: 100 }, (_, i) => `b${k} l${i}`);
    let committed: Offset | null = await first.latestOffset(null);
    expect(committed).toBe(-1);
    let maxHeld = 0;
    for (let k = 0; k < 30; k++) {
      await sender.send(batch(k));
      const end = await nextEnd(first, committed, k * 100 + 99);
      expect((await batchRows(first, committed, end)).map((r) => r[0])).toEqual(batch(k));
      await first.commit(end);
      committed = end;
      const h = await held(name);
      maxHeld = Math.max(maxHeld, h.lines);
      // The kept lines are the log's last ones (no line is lost or duplicated by a trim).
      expect(h.base + h.lines).toBe(h.total);
    }
    // A batch's lines, at most one socket read's chunk more: not 3,000.
    expect(maxHeld).toBeLessThanOrEqual(200);

    // Batch 30 gets its offsets (its lines are logged) but the process dies before its commit.
    await sender.send(batch(30));
    const end = await nextEnd(first, committed, 3099);
    const firstRun = await batchRows(first, committed, end);
    expect(firstRun.map((r) => r[0])).toEqual(batch(30));
    await first.stop();
    const h = await held(name);
    expect(h.total).toBe(3100);
    expect(h.base).toBeLessThanOrEqual(3000);
    expect(h.lines).toBeLessThanOrEqual(200);

    // A new run re-plans batch 30 from the log: the same lines with the same arrival times.
    const second = new SocketSource(options, await context(name));
    const rerun = await batchRows(second, committed, end);
    expect(rerun).toEqual(firstRun);
    await second.commit(end);
    expect((await held(name)).lines).toBeLessThanOrEqual(100);
    await second.stop();
  });

  it('commits even when the log cannot be trimmed (a warning; the next commit trims again)', async () => {
    const name = 'trim-fails';
    let failing = true;
    const wrap = (log: LineLog): LineLog => ({
      append: (lines) => log.append(lines),
      length: () => log.length(),
      read: (from, to) => log.read(from, to),
      trim: async (before) => {
        if (failing) throw new Error('trim refused');
        await log.trim(before);
      },
    });
    sender.client = undefined;
    const source = new SocketSource({ host: '127.0.0.1', port: sender.port, includeTimestamp: false }, await context(name, wrap));
    try {
      expect(await source.latestOffset(null)).toBe(-1);
      await sender.send(['a', 'b']);
      await source.commit(await nextEnd(source, -1, 1));
      expect(warnings.some((w) => (w as { err?: string }).err === 'trim refused')).toBe(true);
      expect((await held(name)).lines).toBe(2);
      failing = false;
      await sender.send(['c']);
      await source.commit(await nextEnd(source, 1, 2));
      expect(await held(name)).toEqual({ base: 2, lines: 1, total: 3 });
    } finally {
      await source.stop();
    }
  });

  it(`keeps the whole log under ${SOCKET_TRIM_LOG_CONF}=false`, async () => {
    const name = 'trim-off';
    sender.client = undefined;
    const source = new SocketSource({ host: '127.0.0.1', port: sender.port, includeTimestamp: false }, await context(name, undefined, { [SOCKET_TRIM_LOG_CONF]: 'false' }));
    try {
      expect(await source.latestOffset(null)).toBe(-1);
      await sender.send(['a', 'b']);
      await source.commit(await nextEnd(source, -1, 1));
      await sender.send(['c']);
      await source.commit(await nextEnd(source, 1, 2));
      expect(await held(name)).toEqual({ base: 0, lines: 3, total: 3 });
    } finally {
      await source.stop();
    }
  });
});
