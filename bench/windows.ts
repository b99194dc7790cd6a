import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SparkSession, functions as F, type DataFrame } from '../client/index.js';
import { generateCorpus } from '../cli/corpus.js';
import { startFeeder } from '../cli/feed.js';
import { startLocal } from '../cli/local.js';
import { p50BatchMs, watchUntilProcessed } from './progress-watch.js';

/**
 * `node dist/bench/windows.js`: the two seed queries, Q1 (`wordcounts`, 60 s / 30 s windows) and
 * Q2 (`catpm`, 60 s / 5 s: 12 windows per word), through local mode on one corpus, alternating
 * Q1 and Q2 in the same run so a loaded machine slows both alike. Source: the socket feeder, or
 * (KINDLING_BENCH_SOURCE=text) KINDLING_BENCH_FILES files written before each query starts.
 */
async function main(): Promise<void> {
  const lineCount = Number(process.env['KINDLING_BENCH_LINES'] ?? 100_000);
  const workers = Number(process.env['KINDLING_BENCH_WORKERS'] ?? 2);
  const runs = Number(process.env['KINDLING_BENCH_RUNS'] ?? 3);
  const source = process.env['KINDLING_BENCH_SOURCE'] ?? 'socket';
  const fileCount = Number(process.env['KINDLING_BENCH_FILES'] ?? 100);
  const partitions = process.env['KINDLING_BENCH_PARTITIONS'] ?? '4';
  const lines = generateCorpus({ lines: lineCount, wordsPerLine: 10, vocabularySize: 10_000, skew: 1.0 });
  const words = lines.reduce((n, l) => n + l.split(' ').length, 0);
  const log = pino({ level: 'warn' }, pino.destination(2));
  const local = await startLocal({ port: 0, host: '127.0.0.1', workers, log });
  const spark = await SparkSession.builder().remote(`sc://localhost:${local.port}`).appName('bench').getOrCreate();
  await spark.conf.set('spark.sql.shuffle.partitions', partitions);
  const root = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
  const slides = { q1: '30 seconds', q2: '5 seconds' } as const;
  const queries = (process.env['KINDLING_BENCH_QUERIES'] ?? 'q1,q2').split(',').filter((q): q is 'q1' | 'q2' => q === 'q1' || q === 'q2');

  const run = async (q: 'q1' | 'q2', name: string, input: readonly string[]): Promise<{ ms: number; cpuMs: number; batches: number; p50: number }> => {
    let src: DataFrame;
    let close = async (): Promise<void> => {};
    if (source === 'text') {
      const dir = join(root, name);
      mkdirSync(dir);
      const per = Math.ceil(input.length / fileCount);
      for (let f = 0; f * per < input.length; f++) writeFileSync(join(dir, `part-${String(f).padStart(5, '0')}.txt`), `${input.slice(f * per, (f + 1) * per).join('\n')}\n`);
      src = spark.readStream.format('text').load(dir);
    } else {
      const feeder = await startFeeder({ port: 0, host: '127.0.0.1', lines: input, rate: 0, log: pino({ level: 'warn' }) });
      close = () => feeder.close();
      src = spark.readStream.format('socket').option('host', '127.0.0.1').option('port', feeder.port).load();
    }
    try {
      const w = src.select(F.explode(F.split(src.col('value'), ' ')).alias('word'));
      const wwt = w.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
      const counts = wwt.groupBy(F.window('timestamp', '60 seconds', slides[q]), 'word').count();
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const query = await counts.writeStream.outputMode('complete').format('memory').queryName(name).start();
      const batches = await watchUntilProcessed(query, input.length, 10);
      const ms = performance.now() - started;
      // This process's CPU time (all threads: server, workers, client): steadier than wall time on a loaded machine.
      const cpu = process.cpuUsage(cpuBefore);
      await query.stop();
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000, batches: batches.length, p50: p50BatchMs(batches) };
    } finally {
      await close();
    }
  };
  const warm = lines.slice(0, Math.min(lines.length, 20_000));
  for (const q of queries) await run(q, `warm_${q}`, warm);
  const results: Record<'q1' | 'q2', number[]> = { q1: [], q2: [] };
  const perCpu: Record<'q1' | 'q2', number[]> = { q1: [], q2: [] };
  for (let i = 0; i < runs; i++) {
    for (const q of queries) {
      const r = await run(q, `${q}_${i}`, lines);
      results[q].push(words / (r.ms / 1000));
      perCpu[q].push(words / (r.cpuMs / 1000));
      process.stdout.write(
        `${q} run ${i}: ${(words / (r.ms / 1000) / 1000).toFixed(0)} k words/s, ${(words / (r.cpuMs / 1000) / 1000).toFixed(0)} k words per CPU-second (${r.ms.toFixed(0)} ms, ${r.cpuMs.toFixed(0)} CPU ms, ${r.batches} batches, p50 batch ${r.p50} ms)\n`,
      );
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const q1 = median(results.q1) || Number.NaN;
  const q2 = median(results.q2) || Number.NaN;
  const c1 = median(perCpu.q1) || Number.NaN;
  const c2 = median(perCpu.q2) || Number.NaN;
  process.stdout.write(`per CPU-second: Q1 ${(c1 / 1000).toFixed(0)} k words, Q2 ${(c2 / 1000).toFixed(0)} k words, Q2/Q1 ${((c2 / c1) * 100).toFixed(0)} %\n`);
  process.stdout.write(
    `source ${source}${source === 'text' ? ` (${fileCount} files)` : ''}, ${words} words, ${partitions} partitions, ${workers} workers: Q1 ${(q1 / 1000).toFixed(0)} k words/s, Q2 ${(q2 / 1000).toFixed(0)} k words/s, Q2/Q1 ${((q2 / q1) * 100).toFixed(0)} %\n`,
  );
  await spark.stop();
  await local.close();
  rmSync(root, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
