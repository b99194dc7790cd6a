import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateCorpus } from '../cli/corpus.js';
import { startFeeder, type Feeder } from '../cli/feed.js';
import { EngineRssSampler, formatBreakdown, tracePhase } from './process-rss.js';
import { engineNames, quietLog, startEngine } from './side-by-side/engines.js';
import { renderResults, type Block } from './side-by-side/report.js';
import type { LatencyRun, ThroughputRun } from './side-by-side/runs.js';

/**
 * `npm run bench:spark`: the seed queries Q1 (60 s / 30 s windows) and Q2 (60 s / 5 s) through one
 * PySpark Connect client against Spark local[2], Kindling local and a Kindling cluster — on the
 * text-file source and the socket source, at each `spark.sql.shuffle.partitions` asked for:
 * throughput, batch and end-to-end latency with marker words at fixed rates, and the peak memory
 * of each engine's processes. Writes bench/RESULTS.md (or KINDLING_BENCH_OUT).
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const list = (name: string, fallback: string): string[] => env(name, fallback).split(',').filter(Boolean);

async function main(): Promise<void> {
  const lineCount = Number(env('KINDLING_BENCH_LINES', '300000'));
  const fileCount = Number(env('KINDLING_BENCH_FILES', '100'));
  const runs = Number(env('KINDLING_BENCH_RUNS', '3'));
  const engines = engineNames(env('KINDLING_BENCH_ENGINES', 'spark,local,cluster'));
  const sources = list('KINDLING_BENCH_SOURCES', 'text,socket');
  const partitionCounts = list('KINDLING_BENCH_PARTITIONS', '4,200');
  const rates = list('KINDLING_BENCH_RATES', '20000,100000').map(Number);
  const queries = list('KINDLING_BENCH_QUERIES', 'q1,q2').map((q) => {
    if (q !== 'q1' && q !== 'q2') throw new Error(`KINDLING_BENCH_QUERIES: unknown query ${q} (q1, q2)`);
    return q;
  });
  const latencySeconds = Number(env('KINDLING_BENCH_LATENCY_SECONDS', '10'));
  const out = env('KINDLING_BENCH_OUT', join(repo, 'bench', 'RESULTS.md'));
  // engine:source pairs left out, e.g. `spark:socket` (Spark's socket source, a testing source, takes minutes on 3 M words).
  const skip = new Set(list('KINDLING_BENCH_SKIP', ''));
  for (const s of sources) if (s !== 'text' && s !== 'socket') throw new Error(`KINDLING_BENCH_SOURCES: unknown source ${s} (text, socket)`);

  const root = mkdtempSync(join(tmpdir(), 'kindling-bench-spark-'));
  const lines = generateCorpus({ lines: lineCount, wordsPerLine: 10, vocabularySize: 10_000, skew: 1.0 });
  const warmupLines = lines.slice(0, Math.min(lines.length, 20_000));
  const countWords = (ls: readonly string[]): number => ls.reduce((n, l) => n + l.split(' ').length, 0);
  const words = countWords(lines);
  const writeFiles = (dir: string, ls: readonly string[]): void => {
    mkdirSync(dir);
    const per = Math.ceil(ls.length / fileCount);
    for (let f = 0; f * per < ls.length; f++) writeFileSync(join(dir, `part-${String(f).padStart(5, '0')}.txt`), `${ls.slice(f * per, (f + 1) * per).join('\n')}\n`);
  };
  writeFiles(join(root, 'corpus'), lines);
  writeFiles(join(root, 'warmup'), warmupLines);
  writeFileSync(join(root, 'corpus.txt'), `${lines.join('\n')}\n`);
  // Each connection to a feeder gets all of its lines from the start: one feeder serves every run.
  const feeders: Feeder[] = [];
  const feed = async (ls: readonly string[]): Promise<string> => {
    const f = await startFeeder({ port: 0, host: '127.0.0.1', lines: ls, rate: 0, log: quietLog });
    feeders.push(f);
    return `127.0.0.1:${f.port}`;
  };
  const socketCorpus = sources.includes('socket') ? await feed(lines) : '';
  const socketWarmup = sources.includes('socket') ? await feed(warmupLines) : '';

  // The client: test/compat's pinned pyspark-client (the thin Connect client; the full pyspark in
  // test/spark's venv runs the Spark server and lacks the client's pandas/pyarrow).
  await promisify(execFile)('bash', [join(repo, 'test', 'compat', 'setup.sh')], { maxBuffer: 16 * 1024 * 1024 });
  const python = join(repo, 'test', 'compat', '.venv', 'bin', 'python');
  const client = async <T>(plan: Record<string, unknown>): Promise<T[]> => {
    const child = spawn(python, [join(repo, 'bench', 'spark_client.py'), JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`spark_client.py exited with ${code}:\n${stderr.slice(-4000)}`);
    return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  };

  const blocks: Block[] = [];
  let sparkVersion = '?';
  try {
    for (const partitions of partitionCounts) {
      for (const engine of engines) {
        const block: Block = { engine, label: '', partitions, throughput: [], latency: [], peakRssBytes: {} };
        // Each query and source on a server of its own, so each one's peak memory is its own.
        for (const query of queries) {
          for (const source of sources) {
            if (skip.has(`${engine}:${source}`)) continue;
            const server = await startEngine(engine, partitions);
            const rss = new EngineRssSampler();
            block.label = server.label;
            sparkVersion = server.version ?? sparkVersion;
            try {
              const base = { url: server.url, partitions, source, queries: [query], tag: `${source}_${partitions}` };
              tracePhase(`${query} ${source} throughput`);
              const t = await client<ThroughputRun>({
                ...base,
                mode: 'throughput',
                runs,
                words,
                warmupWords: countWords(warmupLines),
                corpus: source === 'text' ? join(root, 'corpus') : socketCorpus,
                warmup: source === 'text' ? join(root, 'warmup') : socketWarmup,
              });
              block.throughput.push(...t.map((r) => ({ ...r, source })));
              process.stderr.write(`${server.label}, ${source}, ${partitions} partitions: ${JSON.stringify(t)}\n`);
              if (rates.length > 0) {
                tracePhase(`${query} ${source} latency`);
                const l = await client<LatencyRun>({ ...base, mode: 'latency', rates, latencySeconds, corpusFile: join(root, 'corpus.txt') });
                block.latency.push(...l.map((r) => ({ ...r, source })));
                process.stderr.write(`${server.label}, ${source}, ${partitions} partitions, latency: ${JSON.stringify(l)}\n`);
              }
            } finally {
              const peak = rss.stop();
              (block.peakRssBytes[source] ??= {})[query] = peak;
              const b = rss.breakdown();
              process.stderr.write(
                `${block.label}, ${query}, ${source}: peak RSS ${(peak / 1024 ** 2).toFixed(0)} MB = ${formatBreakdown(b.atPeak)} MB; each process's own peak: ${formatBreakdown(b.ownPeak)} MB\n`,
              );
              await server.stop();
            }
          }
        }
        blocks.push(block);
      }
    }
  } finally {
    await Promise.all(feeders.map((f) => f.close()));
    rmSync(root, { recursive: true, force: true });
  }

  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  const command = [
    `KINDLING_BENCH_LINES=${lineCount}`,
    `KINDLING_BENCH_FILES=${fileCount}`,
    `KINDLING_BENCH_RUNS=${runs}`,
    `KINDLING_BENCH_ENGINES=${engines.join(',')}`,
    `KINDLING_BENCH_SOURCES=${sources.join(',')}`,
    `KINDLING_BENCH_PARTITIONS=${partitionCounts.join(',')}`,
    `KINDLING_BENCH_RATES=${rates.join(',')}`,
    `KINDLING_BENCH_QUERIES=${queries.join(',')}`,
    `KINDLING_BENCH_LATENCY_SECONDS=${latencySeconds}`,
    ...(skip.size > 0 ? [`KINDLING_BENCH_SKIP=${[...skip].join(',')}`] : []),
    'npm run bench:spark',
  ].join(' ');
  const doc = renderResults({ blocks, words, fileCount, runs, latencySeconds, command, kindlingVersion: pkg.version, sparkVersion });
  writeFileSync(out, doc);
  process.stdout.write(`${doc}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:spark failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
