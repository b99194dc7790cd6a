import type { Redis } from 'ioredis';
import type { Row, SparkSession, StreamingQuery } from '../../client/index.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import { functions as F } from '../../client/index.js';
import { eventually } from '../support/eventually.js';
import { decodeChunk } from '../../master/streaming/checkpoint/line-log-chunk.js';

/** The seed `wordcounts` query over a socket, as the notebook writes it. */
export async function startWordCounts(spark: SparkSession, port: number, name: string, checkpoint?: string): Promise<StreamingQuery> {
  const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', port).load();
  const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
  const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
  let writer = wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count().writeStream.outputMode('complete').format('memory').queryName(name);
  if (checkpoint) writer = writer.option('checkpointLocation', checkpoint);
  return writer.start();
}

/** Per word: the sum of its counts over all windows (each word is in exactly two 60 s / 30 s windows). */
export function totals(rows: readonly Row[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.get('word') as string, (m.get(r.get('word') as string) ?? 0) + (r.get('count') as number));
  return m;
}

/** Waits until `table` holds, per word, exactly twice the expected counts (two windows each). */
export async function waitForCounts(spark: SparkSession, table: string, expected: ReadonlyMap<string, number>, timeoutMs = 60_000): Promise<Map<string, number>> {
  let last = new Map<string, number>();
  const ok = async (): Promise<boolean> => {
    last = totals(await spark.sql(`SELECT word, count FROM ${table}`).collect());
    return [...expected].every(([w, n]) => last.get(w) === 2 * n);
  };
  // A timeout is not thrown: the caller's per-word expect shows which count is off.
  await eventually(ok, { timeoutMs, intervalMs: 100, message: `counts in ${table}` }).catch(() => undefined);
  return last;
}

/** Keeps the socket source's whole write-ahead log (committed lines are trimmed otherwise): `walCounts` reads all of it. */
export async function keepWholeLog(spark: SparkSession): Promise<void> {
  await spark.conf.set('kindling.streaming.socket.trimLog', 'false');
}

/** Per word, how often it occurs in the socket source's write-ahead log (see `keepWholeLog`): what was durably read. */
export async function walCounts(r: Redis, checkpoint: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const chunk of await r.lrange(CheckpointKeys.sourceLog(checkpoint, 0), 0, -1)) {
    // Each record is `<arrival ms>\t<line>`.
    for (const record of decodeChunk(chunk)) {
      const line = record.slice(record.indexOf('\t') + 1);
      for (const w of line.split(' ')) if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}
