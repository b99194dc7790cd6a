import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToRows } from '../../../engine/batch/record-batch.js';
import { linesReader } from '../../../engine/connectors/socket/lines-reader.js';
import type { LineLog, Offset, SourceContext } from '../../../engine/connectors/source.js';
import { E } from '../../../engine/expr/expr.js';
import { systemClock } from '../../../engine/util/clock.js';
import { LINE_OVERHEAD_BYTES } from '../../../master/sources/line-block.js';
import { SocketSource, socketReadLimits } from '../../../master/sources/socket-source.js';
import { FileCheckpointStore } from '../../../master/streaming/checkpoint/file-checkpoint.js';
import { localRuntime, type LocalRuntime } from '../../support/local-runtime.js';
import { eventually } from '../../support/eventually.js';

/** A sender that writes `count` numbered lines as fast as TCP takes them, honouring write() backpressure. */
class Flood {
  sent = 0;
  client: Socket | undefined;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(count: number, width: number): Promise<Flood> {
    let flood: Flood | undefined;
    const server = createServer((s) => {
      if (!flood) return;
      flood.client = s;
      s.on('error', () => undefined);
      const f = flood;
      const pump = (): void => {
        while (f.sent < count) {
          const batch: string[] = [];
          for (let i = 0; i < 500 && f.sent < count; i++) batch.push(String(f.sent++).padStart(width, '0'));
          if (!s.write(`${batch.join('\n')}\n`)) {
            s.once('drain', pump);
            return;
          }
        }
        s.end();
      };
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    flood = new Flood(server, typeof address === 'object' && address ? address.port : 0);
    return flood;
  }

  async close(): Promise<void> {
    this.client?.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function sourceContext(dir: string): SourceContext {
  const checkpoint = new FileCheckpointStore(dir, true);
  return {
    clock: systemClock,
    metadata: checkpoint.sourceMetadata(0),
    lineLog: () => checkpoint.lineLog(0),
    log: pino({ level: 'silent' }),
    parallelism: () => 2,
  };
}

async function splitLines(source: SocketSource, start: Offset | null, end: Offset): Promise<string[]> {
  const out: string[] = [];
  for (const split of await source.planSplits(start, end)) {
    for (const b of await linesReader.read(split, { timeZone: 'UTC', ansi: true, batchTimestampUs: 0 })) for (const [v] of batchToRows(b)) out.push(v as string);
  }
  return out;
}

describe('the socket source under a flood', () => {
  it('stops reading past maxBufferedBytes (the sender blocks), resumes as batches commit, and loses nothing', async () => {
    const total = 400_000;
    const width = 100;
    const flood = await Flood.start(total, width);
    const dir = mkdtempSync(join(tmpdir(), 'kindling-socket-flow-'));
    dirs.push(dir);
    const cap = 1024 * 1024;
    const source = new SocketSource({ host: '127.0.0.1', port: flood.port, includeTimestamp: false }, sourceContext(dir), {
      maxLinesPerTrigger: 5000,
      maxBufferedBytes: cap,
    });
    try {
      expect(await source.latestOffset(null)).toBe(-1);
      // No batch commits yet: the source must stop at its cap while the sender still has lines to send.
      await eventually(() => source.buffer.pausedReading, 'the source to pause reading');
      await eventually(() => (flood.client?.writableLength ?? 0) > 0, 'TCP flow control to hold the sender back');
      expect(flood.sent).toBeLessThan(total);
      // One socket read past the cap at most (a 64 KiB chunk and its lines' overhead).
      const slack = 256 * 1024;
      expect(source.buffer.heldBytes).toBeLessThanOrEqual(cap + slack);

      let committed: Offset | null = null;
      let next = 0;
      let batches = 0;
      let maxHeld = 0;
      while (next < total) {
        const from: Offset | null = committed;
        const end: Offset = await eventually(
          async (): Promise<Offset | null> => {
            const latest = await source.latestOffset(from);
            return latest !== from ? latest : null;
          },
          { intervalMs: 5, message: `lines after line ${next}` },
        );
        const lines = await splitLines(source, committed, end);
        expect(lines.length).toBeLessThanOrEqual(5000);
        for (const l of lines) {
          if (l !== String(next).padStart(width, '0')) throw new Error(`line ${next} is ${l.slice(0, 20)}`);
          next++;
        }
        expect(Number(end)).toBe(next - 1);
        maxHeld = Math.max(maxHeld, source.buffer.heldBytes);
        await source.commit(end);
        committed = end;
        batches++;
      }
      expect(next).toBe(total);
      expect(batches).toBeGreaterThanOrEqual(total / 5000);
      expect(maxHeld).toBeLessThanOrEqual(cap + slack);
      expect(source.buffer.pauses).toBeGreaterThan(1);
    } finally {
      await source.stop();
      await flood.close();
    }
  });

  it('answers a capped batch once its lines are logged, and logs a flood in appends of at most maxLinesPerTrigger lines', async () => {
    const total = 20_000;
    const width = 8;
    const flood = await Flood.start(total, width);
    const dir = mkdtempSync(join(tmpdir(), 'kindling-socket-flow-'));
    dirs.push(dir);
    const ctx = sourceContext(dir);
    const wal = ctx.lineLog();
    // Appends starting past the first 1,000 lines wait for the gate: the first batch must not need them.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const appended: number[] = [];
    const gated: LineLog = {
      append: async (lines) => {
        if ((await wal.length()) >= 1000) await gate;
        appended.push(lines.length);
        return wal.append(lines);
      },
      length: () => wal.length(),
      read: (from, to) => wal.read(from, to),
      trim: (before) => wal.trim(before),
    };
    const source = new SocketSource({ host: '127.0.0.1', port: flood.port, includeTimestamp: false }, { ...ctx, lineLog: () => gated }, {
      maxLinesPerTrigger: 1000,
      maxBufferedBytes: 64 * 1024 * 1024,
    });
    try {
      await source.latestOffset(null);
      await eventually(() => source.buffer.heldBytes >= 5000 * (width + LINE_OVERHEAD_BYTES), 'lines past the first batch received');
      expect(await source.latestOffset(-1)).toBe(999);
      expect(await splitLines(source, -1, 999)).toEqual(Array.from({ length: 1000 }, (_, i) => String(i).padStart(width, '0')));
      open();
      await eventually(() => flood.sent === total, 'the whole flood sent');
      let committed = 999;
      while (committed < total - 1) {
        const end = Number(await source.latestOffset(committed));
        expect(end - committed).toBeLessThanOrEqual(1000);
        await source.commit(end);
        committed = end;
      }
      expect(Math.max(...appended)).toBeLessThanOrEqual(1000);
      expect(await wal.length()).toBe(total);
    } finally {
      open();
      await source.stop();
      await flood.close();
    }
  });

  it('takes at most half of maxBufferedBytes into a batch, so the other half fills while it runs', async () => {
    const width = 100;
    const perLine = width + 1 + LINE_OVERHEAD_BYTES;
    const flood = await Flood.start(10_000, width);
    const dir = mkdtempSync(join(tmpdir(), 'kindling-socket-flow-'));
    dirs.push(dir);
    const source = new SocketSource({ host: '127.0.0.1', port: flood.port, includeTimestamp: false }, sourceContext(dir), {
      maxLinesPerTrigger: 1_000_000,
      maxBufferedBytes: 2 * 1000 * perLine,
    });
    try {
      expect(await source.latestOffset(null)).toBe(-1);
      await eventually(() => source.buffer.pausedReading, 'the buffer to fill');
      expect(await source.latestOffset(-1)).toBe(999);
      expect((await splitLines(source, -1, 999)).length).toBe(1000);
      await source.commit(999);
      expect(await source.latestOffset(999)).toBe(1999);
    } finally {
      await source.stop();
      await flood.close();
    }
  });

  it('rejects a read limit that is not a positive integer', () => {
    expect(socketReadLimits({})).toEqual({ maxLinesPerTrigger: 1_000_000, maxBufferedBytes: 64 * 1024 * 1024 });
    expect(() => socketReadLimits({ maxLinesPerTrigger: '0' })).toThrow(
      "Invalid value '0' for option 'maxLinesPerTrigger', must be a positive integer",
    );
    expect(() => socketReadLimits({ maxbufferedbytes: 'x' })).toThrow("Invalid value 'x' for option 'maxBufferedBytes'");
  });
});

describe('maxLinesPerTrigger in a query', () => {
  let env: LocalRuntime;
  beforeAll(() => {
    env = localRuntime({ workers: 2 });
  });
  afterAll(async () => {
    await env.close();
  });

  it('splits a backlog into batches of at most maxLinesPerTrigger lines with exact offsets', async () => {
    const total = 2_345;
    const flood = await Flood.start(total, 8);
    try {
      const checkpointLocation = join(env.dir, 'capped');
      const q = await env.session.startStream({
        input: {
          kind: 'project',
          input: {
            kind: 'read',
            source: { type: 'dataSource', format: 'socket', options: { host: '127.0.0.1', port: String(flood.port), maxLinesPerTrigger: '500' }, paths: [] },
            isStreaming: true,
          },
          exprs: [E.col('value')],
        },
        format: 'memory',
        options: { checkpointLocation },
        outputMode: 'append',
        queryName: 'capped',
        // A slow trigger lets the whole flood arrive before the second batch: the backlog is then split.
        trigger: { kind: 'processingTime', interval: '300 milliseconds' },
      });
      const rows = (): unknown[][] => {
        const sink = env.session.catalog.memorySink('capped');
        return sink ? batchToRows(sink.snapshot()) : [];
      };
      await eventually(() => rows().length >= total, { timeoutMs: 60_000, message: 'every line in the sink' });
      await q.stop();
      expect(q.exception()).toBeUndefined();
      expect(rows().map(([v]) => v)).toEqual(Array.from({ length: total }, (_, i) => String(i).padStart(8, '0')));
      const progress = q.recentProgress().filter((p) => p.numInputRows > 0);
      expect(progress.length).toBeGreaterThanOrEqual(5);
      for (const [i, p] of progress.entries()) {
        expect(p.numInputRows).toBeLessThanOrEqual(500);
        if (i > 0) expect(p.sources[0]?.startOffset).toBe(progress[i - 1]?.sources[0]?.endOffset);
      }
      expect(progress.reduce((n, p) => n + p.numInputRows, 0)).toBe(total);
      expect(progress.at(-1)?.sources[0]?.endOffset).toBe(total - 1);
    } finally {
      await flood.close();
    }
  });
});

describe('the file write-ahead log', () => {
  it('counts and reads line ranges by streaming the file (lines across read chunks, multibyte text)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-wal-'));
    dirs.push(dir);
    const log = new FileCheckpointStore(dir, true).lineLog(0);
    expect(await log.length()).toBe(0);
    expect(await log.read(0, 0)).toEqual([]);
    const lines = Array.from({ length: 3000 }, (_, i) => `${i}\t${'é'.repeat(i % 97)}${'x'.repeat((i * 37) % 211)}`);
    expect(await log.append(lines.slice(0, 1000))).toBe(1000);
    expect(await log.append(lines.slice(1000))).toBe(3000);
    // A fresh reader (as after a restart) counts the file.
    const reopened = new FileCheckpointStore(dir, true).lineLog(0);
    expect(await reopened.length()).toBe(3000);
    expect(await reopened.read(0, 3000)).toEqual(lines);
    expect(await reopened.read(997, 1203)).toEqual(lines.slice(997, 1203));
    // Reads continue from where the last one stopped, and start over for an earlier line.
    expect(await reopened.read(1203, 1500)).toEqual(lines.slice(1203, 1500));
    expect(await reopened.read(1500, 1501)).toEqual([lines[1500]]);
    expect(await reopened.read(3, 5)).toEqual(lines.slice(3, 5));
    expect(await reopened.read(2999, 3000)).toEqual([lines[2999]]);
  });
});
