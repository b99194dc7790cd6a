import type { Logger } from 'pino';
import { SparkSession, functions as F, type StreamingQuery } from '../client/index.js';
import { generateCorpus } from './corpus.js';
import { startFeeder } from './feed.js';
import { startLocal } from './local.js';

export interface DemoOptions {
  readonly port: number;
  readonly feedPort: number;
  /** The web UI's port (0: any free one). */
  readonly uiPort?: number;
  readonly workers: number;
  readonly rate: number;
  readonly intervalSeconds: number;
  /** Stop after this many seconds (0: until interrupted). */
  readonly durationSeconds: number;
  readonly checkpointDir?: string;
  readonly log: Logger;
  readonly write?: (text: string) => void;
}

/**
 * `kindling demo` (what `npm start` runs): local mode, a line feeder on a generated corpus, the
 * seed notebook's two word-count queries, and their tables printed as they change.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  const local = await startLocal({
    port: options.port,
    workers: options.workers,
    log: options.log,
    ...(options.uiPort !== undefined ? { uiPort: options.uiPort } : {}),
    ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}),
    conf: { 'spark.sql.shuffle.partitions': '8' },
  });
  const feeder = await startFeeder({
    port: options.feedPort,
    host: '127.0.0.1',
    lines: generateCorpus({ lines: 20_000, wordsPerLine: 8, vocabularySize: 400 }),
    rate: options.rate,
    loop: true,
    log: options.log,
  });
  const spark = await SparkSession.builder().remote(`sc://localhost:${local.port}`).appName('streaming-exercise').getOrCreate();
  const queries: StreamingQuery[] = [];
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const q of queries) await q.stop().catch(() => undefined);
    await spark.stop().catch(() => undefined);
    await feeder.close();
    await local.close();
  };
  try {
    const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', feeder.port).load();
    const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
    const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
    const catpm = wwt
      .groupBy(F.window('timestamp', '60 seconds', '5 seconds'), 'word')
      .agg(F.count('word').alias('cats per minute'))
      .drop('word');
    const wordCounts = wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();
    queries.push(await wordCounts.writeStream.outputMode('complete').format('memory').queryName('wordcounts').start());
    queries.push(await catpm.writeStream.outputMode('complete').format('memory').queryName('catpm').start());
    write(
      `Kindling demo: Spark Connect on sc://localhost:${local.port}, lines on localhost:${feeder.port}.\n` +
        (local.uiPort === undefined ? '' : `Web UI: http://localhost:${local.uiPort}/ (live tables: /tables/wordcounts, /tables/catpm)\n`) +
        `Queries: ${queries.map((q) => q.name).join(', ')}. Try \`npx kindling shell\` in another terminal. Ctrl-C stops.\n`,
    );
    const onSignal = (): void => void stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const started = Date.now();
    while (!stopping) {
      await sleep(options.intervalSeconds * 1000);
      if (stopping) break;
      const latest = await spark
        .sql('SELECT window.start, window.end, word, count FROM wordcounts ORDER BY window.end DESC, count DESC, word LIMIT 10')
        .showString(10, false);
      const cats = await spark.sql("SELECT window, `cats per minute` FROM catpm ORDER BY window.end DESC LIMIT 5").showString(5, false);
      const progress = await queries[0]?.lastProgress();
      write(`\n== wordcounts: top words of the latest window (batch ${progress?.batchId ?? '-'}) ==\n${latest}`);
      write(`== catpm: latest windows ==\n${cats}`);
      if (options.durationSeconds > 0 && Date.now() - started >= options.durationSeconds * 1000) break;
    }
  } finally {
    await stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
