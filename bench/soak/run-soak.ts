import { pino } from 'pino';
import { F, SparkSession, type StreamingQuery } from '../../client/index.js';
import { generateCorpus } from '../../cli/corpus.js';
import { startFeeder } from '../../cli/feed.js';
import { EngineRssSampler, type RssBreakdown } from '../process-rss.js';
import { startEngine, type EngineName } from '../side-by-side/engines.js';

export interface SoakOptions {
  readonly engine: EngineName;
  readonly seconds: number;
  /** Words per second offered by the socket feeder (10 words a line). */
  readonly wordsPerSecond: number;
  /** Slide of the 60 s window: 5 s (12 windows a word, Q2) or 30 s (Q1). */
  readonly slideSeconds: number;
  readonly partitions: string;
  readonly sampleMs: number;
  readonly vocabulary: number;
}

/** One look at the run: where the query is, what its state holds, what each process holds. */
export interface SoakSample {
  readonly second: number;
  readonly batchId: number;
  /** Socket lines the query has committed so far. */
  readonly lines: number;
  readonly stateRows: number;
  readonly stateBytes: number;
  readonly rss: RssBreakdown;
  readonly rssSum: number;
}

export interface SoakRun {
  readonly label: string;
  readonly options: SoakOptions;
  readonly samples: readonly SoakSample[];
  readonly peakRssBytes: number;
}

const WORDS_PER_LINE = 10;

interface Progress {
  readonly batchId: number;
  readonly sources: readonly { readonly endOffset: unknown }[];
  readonly stateOperators: readonly { readonly numRowsTotal: number; readonly memoryUsedBytes: number }[];
}

/**
 * The seed word count as a service runs it for a long time: a socket feeder at a steady rate,
 * `current_timestamp` and a 5 s watermark, a sliding-window count in update mode into the `noop`
 * sink (so nothing is kept for the output), on an engine in processes of its own. Every
 * `sampleMs` it reads the query's progress and the resident memory of each engine process: with a
 * watermark, closed windows leave the state, so state and memory should level off once the first
 * windows close rather than grow with the input.
 */
export async function runSoak(options: SoakOptions): Promise<SoakRun> {
  const lines = generateCorpus({ lines: 20_000, wordsPerLine: WORDS_PER_LINE, vocabularySize: options.vocabulary, skew: 1.0 });
  const server = await startEngine(options.engine, options.partitions);
  const rss = new EngineRssSampler(500);
  const feeder = await startFeeder({ port: 0, host: '127.0.0.1', lines, rate: options.wordsPerSecond / WORDS_PER_LINE, loop: true, log: pino({ level: 'warn' }) });
  const samples: SoakSample[] = [];
  let spark: SparkSession | undefined;
  let q: StreamingQuery | undefined;
  try {
    spark = await SparkSession.builder().remote(server.url).appName('soak').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', options.partitions);
    const src = spark.readStream.format('socket').option('host', '127.0.0.1').option('port', feeder.port).load();
    const words = src.select(F.explode(F.split(src.col('value'), ' ')).alias('word'));
    const timed = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
    const counts = timed.groupBy(F.window('timestamp', '60 seconds', `${options.slideSeconds} seconds`), 'word').count();
    q = await counts.writeStream.format('noop').outputMode('update').queryName('soak').start();
    const started = Date.now();
    for (let next = started + options.sampleMs; next <= started + options.seconds * 1000; next += options.sampleMs) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      const e = await q.exception();
      if (e) throw e;
      const p = (await q.lastProgress()) as unknown as Progress | null;
      const sum = rss.sample();
      const op = p?.stateOperators[0];
      samples.push({
        second: Math.round((Date.now() - started) / 1000),
        batchId: p?.batchId ?? -1,
        lines: Number(p?.sources[0]?.endOffset ?? -1) + 1,
        stateRows: op?.numRowsTotal ?? 0,
        stateBytes: op?.memoryUsedBytes ?? 0,
        rss: rss.current(),
        rssSum: sum,
      });
    }
    await q.stop();
    return { label: server.label, options, samples, peakRssBytes: rss.stop() };
  } finally {
    rss.stop();
    await q?.stop().catch(() => undefined);
    await spark?.stop().catch(() => undefined);
    await feeder.close();
    await server.stop();
  }
}
