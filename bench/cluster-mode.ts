import { Redis } from 'ioredis';
import { pino } from 'pino';
import { SparkSession, functions as F, type StreamingQuery } from '../client/index.js';
import { startFeeder, type Feeder } from '../cli/feed.js';
import { BENCH_WORKER_TIMEOUT_MS, Cluster } from '../test/cluster/harness.js';
import { p50BatchMs, watchUntilProcessed, type BatchProgress } from './progress-watch.js';

export interface ClusterRunResult {
  readonly words: number;
  readonly ms: number;
  readonly batches: number;
  readonly p50BatchMs: number;
  /** Redis commands (by name) per executed batch, from INFO commandstats. */
  readonly redisCallsPerBatch: Readonly<Record<string, number>>;
}

/**
 * The seed query through a real cluster on this machine: redis-server, a master and workers as
 * separate processes, the feeder and the TypeScript client in this process.
 */
export class ClusterBench {
  private constructor(
    private readonly cluster: Cluster,
    private readonly spark: SparkSession,
    private readonly redis: Redis,
  ) {}

  static async start(workers: number): Promise<ClusterBench> {
    process.env['KINDLING_TEST_LOG'] ??= 'warn';
    const cluster = await Cluster.start({ workers, workerTimeoutMs: BENCH_WORKER_TIMEOUT_MS });
    const spark = await SparkSession.builder().remote(cluster.url).appName('bench').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', process.env['KINDLING_BENCH_PARTITIONS'] ?? '32');
    return new ClusterBench(cluster, spark, new Redis(cluster.redis.url));
  }

  /** Feeds `lines` at `rate` lines/s (0: as fast as possible) and runs the query until all are counted. */
  async run(lines: readonly string[], name: string, rate = 0): Promise<ClusterRunResult> {
    const feeder: Feeder = await startFeeder({ port: 0, host: '127.0.0.1', lines, rate, log: pino({ level: 'warn' }) });
    let q: StreamingQuery | undefined;
    try {
      const src = this.spark.readStream.format('socket').option('host', '127.0.0.1').option('port', feeder.port).load();
      const words = src.select(F.explode(F.split(src.col('value'), ' ')).alias('word'));
      const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
      const counts = wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();
      const statsBefore = await this.commandStats();
      const started = performance.now();
      q = await counts.writeStream.outputMode('complete').format('memory').queryName(name).start();
      // A sustained run polls as a dashboard would; a run for throughput polls often, as its end is the measure.
      const batches = await watchUntilProcessed(q, lines.length, rate > 0 ? 100 : 20);
      const ms = performance.now() - started;
      // Every batch run so far, with input or not (ids count from 0).
      const all = (((await q.lastProgress()) as unknown as BatchProgress | null)?.batchId ?? -1) + 1;
      if (process.env['KINDLING_BENCH_DEBUG']) process.stderr.write(`${JSON.stringify(batches.map((p) => p.durationMs))}\n`);
      await q.stop();
      const statsAfter = await this.commandStats();
      const perBatch: Record<string, number> = {};
      for (const [cmd, n] of statsAfter) {
        const d = n - (statsBefore.get(cmd) ?? 0);
        if (d > 0 && all > 0) perBatch[cmd] = Math.round((d / all) * 10) / 10;
      }
      return {
        words: lines.reduce((n, l) => n + l.split(' ').length, 0),
        ms,
        batches: batches.length,
        p50BatchMs: p50BatchMs(batches),
        redisCallsPerBatch: perBatch,
      };
    } finally {
      await feeder.close();
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.spark.stop();
    await this.cluster.close();
  }

  private async commandStats(): Promise<Map<string, number>> {
    const text = (await this.redis.info('commandstats')) as string;
    const out = new Map<string, number>();
    for (const m of text.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) out.set(m[1] as string, Number(m[2]));
    return out;
  }
}
