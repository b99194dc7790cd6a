import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkSession, type StreamingQuery } from '../../client/index.js';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import type { StreamingQuery as ServerQuery } from '../../master/streaming/streaming-query.js';
import { LineServer } from '../e2e/process.js';
import { eventually } from '../support/eventually.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';

/**
 * An idle query wakes when input arrives rather than after its polling delay: with the delay set
 * to ten minutes, a file moved into the directory, or a line sent on the socket, is counted long
 * before the delay would have ended (the waits below give up after 30 s).
 */
describe('an idle trigger wakes on new input', () => {
  let rt: LocalRuntime | undefined;
  let server: ConnectServer | undefined;
  let spark: SparkSession | undefined;
  let feed: LineServer | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await spark?.stop();
    await server?.close();
    await rt?.close();
    await feed?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    spark = undefined;
    server = undefined;
    rt = undefined;
    feed = undefined;
    dir = undefined;
  });

  async function serve(): Promise<SparkSession> {
    rt = localRuntime({ workers: 2, conf: { 'spark.sql.shuffle.partitions': '2', 'spark.sql.streaming.pollingDelay': '600s' } });
    server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).create();
    return spark;
  }

  /** The query has looked for data, found none, and sleeps its polling delay. */
  async function idle(q: StreamingQuery): Promise<void> {
    let found: ServerQuery | undefined;
    for (const session of rt?.runtime.allSessions() ?? []) found ??= session.streams.get(q.id);
    if (!found) throw new Error(`no server query ${q.id}`);
    const sq = found;
    await eventually(() => sq.status().message === 'Waiting for next trigger' || sq.status().message === 'Waiting for data to arrive', {
      message: 'the query to go idle',
    });
  }

  const counts = async (s: SparkSession, table: string): Promise<Map<string, number>> =>
    new Map((await s.sql(`SELECT word, count FROM ${table}`).collect()).map((r) => [String(r['word']), Number(r['count'])]));

  it('text source: a file moved into the directory', async () => {
    const s = await serve();
    dir = mkdtempSync(join(tmpdir(), 'kindling-wake-'));
    const input = join(dir, 'in');
    mkdirSync(input);
    const q = await s.readStream.text(input).groupBy('value').count().withColumnRenamed('value', 'word').writeStream
      .outputMode('complete')
      .format('memory')
      .queryName('wake_text')
      .start();
    const steps: [string[], [string, number][]][] = [
      [['a', 'b'], [['a', 1], ['b', 1]]],
      [['a'], [['a', 2], ['b', 1]]],
    ];
    for (const [i, [words, expected]] of steps.entries()) {
      await idle(q);
      writeFileSync(join(dir, `staged-${i}`), `${words.join('\n')}\n`);
      renameSync(join(dir, `staged-${i}`), join(input, `f${i}.txt`));
      await eventually(async () => JSON.stringify([...(await counts(s, 'wake_text'))].sort()) === JSON.stringify(expected), {
        timeoutMs: 30_000,
        message: `the counts after file ${i}`,
      });
    }
    expect(await counts(s, 'wake_text')).toEqual(new Map([['a', 2], ['b', 1]]));
    await q.stop();
  });

  it('socket source: a line sent on the connection', async () => {
    const s = await serve();
    const f = (feed = await LineServer.start());
    const q = await s.readStream.format('socket').option('host', '127.0.0.1').option('port', f.port).load()
      .groupBy('value').count().withColumnRenamed('value', 'word').writeStream
      .outputMode('complete')
      .format('memory')
      .queryName('wake_socket')
      .start();
    await f.waitForConnections(1);
    const steps: [string, [string, number][]][] = [
      ['x', [['x', 1]]],
      ['y', [['x', 1], ['y', 1]]],
      ['x', [['x', 2], ['y', 1]]],
    ];
    for (const [line, expected] of steps) {
      await idle(q);
      f.broadcast([line]);
      await eventually(async () => JSON.stringify([...(await counts(s, 'wake_socket'))].sort()) === JSON.stringify(expected), {
        timeoutMs: 30_000,
        message: `the counts after ${line}`,
      });
    }
    expect(await counts(s, 'wake_socket')).toEqual(new Map([['x', 2], ['y', 1]]));
    await q.stop();
  });
});
