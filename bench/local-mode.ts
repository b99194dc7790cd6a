import { pino } from 'pino';
import { SparkSession, functions as F } from '../client/index.js';
import { startFeeder, type Feeder } from '../cli/feed.js';
import { startLocal, type LocalMode } from '../cli/local.js';
import { p50BatchMs, watchUntilProcessed, type BatchProgress } from './progress-watch.js';

export interface LocalModeResult {
  readonly words: number;
  readonly ms: number;
  readonly batches: number;
  readonly p50BatchMs: number;
}

/**
 * How often the bench asks for progress. Each ask is two Spark Connect calls served by this very
 * process, so polling every 10 ms (as the bench once did) took about half of the main thread from
 * the query it measures; the run's end is read from the progress itself, so polling slower does not
 * make the figure coarser.
 */
const POLL_MS = 100;

/** When the last batch finished, by the engine's clock (trigger start + its duration). */
function lastBatchEndMs(batches: readonly BatchProgress[]): number {
  let end = 0;
  for (const b of batches) end = Math.max(end, Date.parse((b as BatchProgress & { readonly timestamp: string }).timestamp) + b.batchDuration);
  return end;
}

/**
 * The seed query as a user runs it: `kindling local` (in this process, workers in threads), a
 * socket feeder, and the `wordcounts` query started through the TypeScript client. One server is
 * kept across runs (warm, like a running cluster); each run is a new query over the whole corpus,
 * timed from its start until the end of the batch (by its progress) that processed the last line.
 */
export class LocalModeBench {
  private constructor(
    private readonly local: LocalMode,
    private readonly spark: SparkSession,
  ) {}

  static async start(workers: number): Promise<LocalModeBench> {
    const log = pino({ level: 'warn' }, pino.destination(2));
    const local = await startLocal({ port: 0, host: '127.0.0.1', workers, log });
    const spark = await SparkSession.builder().remote(`sc://localhost:${local.port}`).appName('bench').getOrCreate();
    return new LocalModeBench(local, spark);
  }

  async run(lines: readonly string[], name: string): Promise<LocalModeResult> {
    const feeder: Feeder = await startFeeder({ port: 0, host: '127.0.0.1', lines, rate: 0, log: pino({ level: 'warn' }) });
    try {
      const src = this.spark.readStream.format('socket').option('host', '127.0.0.1').option('port', feeder.port).load();
      const words = src.select(F.explode(F.split(src.col('value'), ' ')).alias('word'));
      const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
      const counts = wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();
      const started = Date.now();
      const q = await counts.writeStream.outputMode('complete').format('memory').queryName(name).start();
      const batches = await watchUntilProcessed(q, lines.length, POLL_MS);
      const ms = lastBatchEndMs(batches) - started;
      await q.stop();
      const totalWords = lines.reduce((n, l) => n + l.split(' ').length, 0);
      return { words: totalWords, ms, batches: batches.length, p50BatchMs: p50BatchMs(batches) };
    } finally {
      await feeder.close();
    }
  }

  async close(): Promise<void> {
    await this.spark.stop();
    await this.local.close();
  }
}
