import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkSession, type StreamingQuery } from '../../client/index.js';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { FileCheckpointStore } from '../../master/streaming/checkpoint/file-checkpoint.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { eventually } from '../support/eventually.js';

/**
 * One active run per checkpoint: a second start of a query stops the first (Spark's
 * spark.sql.streaming.stopActiveRunOnRestart, default true) or is refused as Spark refuses it;
 * a second master (here: a second local runtime on the same checkpoint directory) fences the
 * first through the checkpoint's run lease.
 */
interface Master {
  rt: LocalRuntime;
  server: ConnectServer;
}

const masters: Master[] = [];
const sessions: SparkSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop().catch(() => undefined);
  for (const m of masters.splice(0)) {
    await m.server.close();
    await m.rt.close();
  }
});

async function startMaster(dir?: string): Promise<Master> {
  const rt = localRuntime({ workers: 2, conf: { 'spark.sql.shuffle.partitions': '4' } });
  const server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  const m = { rt, server };
  masters.push(m);
  if (dir) mkdirSync(dir, { recursive: true });
  return m;
}

async function session(m: Master): Promise<SparkSession> {
  const s = await SparkSession.builder().remote(`sc://127.0.0.1:${m.server.port}/;session_id=${crypto.randomUUID()}`).getOrCreate();
  sessions.push(s);
  return s;
}

/** Word counts over a directory of text files, complete mode, into memory table `name`. */
function wordCounts(s: SparkSession, input: string, name: string, checkpoint: string): Promise<StreamingQuery> {
  return s.readStream
    .text(input)
    .groupBy('value')
    .count()
    .writeStream.format('memory')
    .queryName(name)
    .outputMode('complete')
    .option('checkpointLocation', checkpoint)
    .start();
}

async function counts(s: SparkSession, table: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await s.sql(`SELECT value, count FROM ${table}`).collect()) out[r.get('value') as string] = r.get('count') as number;
  return out;
}

function addFile(dir: string, name: string, words: readonly string[]): void {
  // Written beside the input and renamed in, so the source never sees a half-written file.
  const tmp = join(dir, '..', `${name}.${process.pid}.tmp`);
  writeFileSync(tmp, `${words.join('\n')}\n`);
  renameSync(tmp, join(dir, name));
}

describe('one active run per checkpoint', () => {
  it('a second start in the same session stops the first run, and counts stay exact', async () => {
    const m = await startMaster();
    const input = join(m.rt.dir, 'in-same');
    mkdirSync(input, { recursive: true });
    const cp = join(m.rt.dir, 'cp-same');
    const s = await session(m);
    addFile(input, 'a.txt', ['x', 'y', 'x']);
    const first = await wordCounts(s, input, 'wc_first', cp);
    await first.processAllAvailable();
    const second = await wordCounts(s, input, 'wc_second', cp);
    expect(await first.isActive()).toBe(false);
    expect((await first.status()).message).toBe('Stopped');
    expect(await first.exception()).toBeNull();
    expect((await s.streams.active()).map((q) => q.runId)).toEqual([second.runId]);
    expect(second.id).toBe(first.id);
    expect(second.runId).not.toBe(first.runId);
    addFile(input, 'b.txt', ['y', 'z']);
    await second.processAllAvailable();
    expect(await counts(s, 'wc_second')).toEqual({ x: 2, y: 2, z: 1 });
    // The same name in the same session is Spark's name rule, checked first.
    await expect(wordCounts(s, input, 'wc_second', cp)).rejects.toThrow(/Cannot start query with name wc_second as a query with that name is already active/);
    expect(await second.isActive()).toBe(true);
    await second.stop();
  });

  it('a start from another session stops the run of the first session', async () => {
    const m = await startMaster();
    const input = join(m.rt.dir, 'in-two');
    mkdirSync(input, { recursive: true });
    const cp = join(m.rt.dir, 'cp-two');
    const a = await session(m);
    const b = await session(m);
    addFile(input, 'a.txt', ['p', 'q']);
    const qa = await wordCounts(a, input, 'wc', cp);
    await qa.processAllAvailable();
    const qb = await wordCounts(b, input, 'wc', cp);
    expect(await qa.isActive()).toBe(false);
    expect(await qa.exception()).toBeNull();
    expect(await a.streams.active()).toEqual([]);
    addFile(input, 'b.txt', ['q']);
    await qb.processAllAvailable();
    expect(await counts(b, 'wc')).toEqual({ p: 1, q: 2 });
    await qb.stop();
  });

  it('with spark.sql.streaming.stopActiveRunOnRestart=false the second start gets Spark\'s error and the first run goes on', async () => {
    const m = await startMaster();
    const input = join(m.rt.dir, 'in-refuse');
    mkdirSync(input, { recursive: true });
    const cp = join(m.rt.dir, 'cp-refuse');
    const a = await session(m);
    const b = await session(m);
    await b.conf.set('spark.sql.streaming.stopActiveRunOnRestart', 'false');
    addFile(input, 'a.txt', ['k']);
    const qa = await wordCounts(a, input, 'wc', cp);
    await qa.processAllAvailable();
    const refused = await wordCounts(b, input, 'wc', cp).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(refused?.message).toContain(
      `Cannot start query with id ${qa.id} as another query with same id is already active. Perhaps you are attempting to restart a query from checkpoint that is already active.`,
    );
    expect(refused?.message).toContain('spark.sql.streaming.stopActiveRunOnRestart');
    expect(await qa.isActive()).toBe(true);
    addFile(input, 'b.txt', ['k']);
    await qa.processAllAvailable();
    expect(await counts(a, 'wc')).toEqual({ k: 2 });
    await qa.stop();
  });

  it('two masters on one file checkpoint: the newer run fences the older one, which fails and writes nothing more', async () => {
    const m1 = await startMaster();
    const m2 = await startMaster();
    const input = join(m1.rt.dir, 'in-masters');
    mkdirSync(input, { recursive: true });
    const cp = join(m1.rt.dir, 'cp-masters');
    const s1 = await session(m1);
    const s2 = await session(m2);
    addFile(input, 'a.txt', ['u', 'v']);
    const older = await wordCounts(s1, input, 'wc', cp);
    await older.processAllAvailable();
    const newer = await wordCounts(s2, input, 'wc', cp);
    await newer.processAllAvailable();
    addFile(input, 'b.txt', ['v', 'w']);
    await newer.processAllAvailable();
    // The older run fails at its next checkpoint write (its next batch).
    await eventually(async () => !(await older.isActive()), 'the older run to fail');
    const e = await older.exception();
    expect(e?.message).toContain('CONCURRENT_STREAM_LOG_UPDATE');
    expect(e?.message).toContain('Multiple streaming jobs detected for');
    expect(await counts(s2, 'wc')).toEqual({ u: 1, v: 2, w: 1 });
    addFile(input, 'c.txt', ['w']);
    await newer.processAllAvailable();
    expect(await counts(s2, 'wc')).toEqual({ u: 1, v: 2, w: 2 });
    expect(await newer.isActive()).toBe(true);
    await newer.stop();
  });

  it('file run lease: each acquire raises the token; writes of a superseded store are refused', async () => {
    const m = await startMaster();
    const dir = join(m.rt.dir, 'cp-lease');
    const one = new FileCheckpointStore(dir, false);
    const two = new FileCheckpointStore(dir, false);
    expect(await one.acquireRunLease('run-1')).toBe(1);
    expect(await one.offsets.add(0, { batchWatermarkMs: 0, batchTimestampMs: 1, conf: {}, offsets: [null] })).toBe(true);
    expect(await two.acquireRunLease('run-2')).toBe(2);
    await expect(one.commits.add(0, { nextBatchWatermarkMs: 0 })).rejects.toThrow(/CONCURRENT_STREAM_LOG_UPDATE/);
    expect(await one.commits.get(0)).toBeUndefined();
    expect(await two.commits.add(0, { nextBatchWatermarkMs: 0 })).toBe(true);
    // Concurrent acquires never hand out one token twice.
    const stores = Array.from({ length: 8 }, () => new FileCheckpointStore(dir, false));
    const tokens = await Promise.all(stores.map((s, i) => s.acquireRunLease(`run-${i + 3}`)));
    expect([...tokens].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
