import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import type { EngineName } from './engines.js';
import type { LatencyRun, ThroughputRun } from './runs.js';

/** One engine at one partition count: every run made against one server. */
export interface Block {
  readonly engine: EngineName;
  label: string;
  readonly partitions: string;
  readonly throughput: ThroughputRun[];
  readonly latency: LatencyRun[];
  /** Per source and query: the peak over those runs (throughput and latency), on a server started for them alone. */
  readonly peakRssBytes: Record<string, Partial<Record<'q1' | 'q2', number>>>;
}

export interface ResultsInput {
  readonly blocks: readonly Block[];
  readonly words: number;
  readonly fileCount: number;
  readonly runs: number;
  readonly latencySeconds: number;
  readonly command: string;
  readonly kindlingVersion: string;
  readonly sparkVersion: string;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const k = (n: number): string => (Number.isFinite(n) ? `${(n / 1000).toFixed(0)} k` : '–');
const ms = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : `${Math.round(n).toLocaleString('en-US')}`);
const gb = (bytes: number | undefined): string => (bytes === undefined ? '–' : (bytes / 1024 ** 3).toFixed(2));

/** bench/RESULTS.md: the machine, versions, command, then one table for throughput and one for latency. */
export function renderResults(input: ResultsInput): string {
  const { blocks, words } = input;
  const rate = (b: Block, source: string, q: 'q1' | 'q2'): number => words / median(b.throughput.filter((r) => r.source === source && r.query === q).map((r) => r.seconds));
  const sparkOf = (b: Block): Block | undefined => blocks.find((s) => s.engine === 'spark' && s.partitions === b.partitions);
  const sources = [...new Set(blocks.flatMap((b) => b.throughput.map((r) => r.source ?? '?')))];
  const throughput = ['| source | partitions | engine | Q1 words/s | Q2 words/s | Q2 / Q1 | Q1 batch p50 / p95 ms | Q2 batch p50 / p95 ms | Q1 rows, sum(count) | Q2 rows, sum(count) | peak RSS Q1 / Q2 GB (all its processes) |', '|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const source of sources) {
    for (const b of blocks) {
      const rs = b.throughput.filter((r) => r.source === source);
      if (rs.length === 0) continue;
      const spark = sparkOf(b);
      // Against Spark on the same source and partitions, when Spark ran that source (KINDLING_BENCH_SKIP).
      const vs = (q: 'q1' | 'q2'): string => {
        const ratio = spark && spark !== b ? rate(b, source, q) / rate(spark, source, q) : Number.NaN;
        return Number.isFinite(ratio) ? ` (${ratio.toFixed(2)}×)` : '';
      };
      const check = (q: 'q1' | 'q2'): string => [...new Set(rs.filter((r) => r.query === q).map((r) => `${r.rows}, ${r.total}`))].join(' / ');
      const batches = (q: 'q1' | 'q2'): string => {
        const r = rs.filter((x) => x.query === q);
        return `${ms(median(r.map((x) => x.batchP50 ?? Number.NaN)))} / ${ms(median(r.map((x) => x.batchP95 ?? Number.NaN)))}`;
      };
      const q1 = rate(b, source, 'q1');
      const q2 = rate(b, source, 'q2');
      throughput.push(
        `| ${source} | ${b.partitions} | ${b.label} | ${k(q1)}${vs('q1')} | ${k(q2)}${vs('q2')} | ${((q2 / q1) * 100).toFixed(0)} % | ${batches('q1')} | ${batches('q2')} | ${check('q1')} | ${check('q2')} | ${gb(b.peakRssBytes[source]?.q1)} / ${gb(b.peakRssBytes[source]?.q2)} |`,
      );
    }
  }
  const latency = ['| source | partitions | engine | words/s | Q1 batch p50 / p95 ms | Q1 end-to-end p50 / p95 ms | Q2 batch p50 / p95 ms | Q2 end-to-end p50 / p95 ms | markers seen (missed) Q1, Q2 |', '|---|---|---|---|---|---|---|---|---|'];
  for (const source of sources) {
    for (const b of blocks) {
      const rates = [...new Set(b.latency.filter((r) => r.source === source).map((r) => r.rate))];
      for (const r of rates) {
        const of = (q: 'q1' | 'q2'): LatencyRun | undefined => b.latency.find((x) => x.source === source && x.rate === r && x.query === q);
        const pair = (x: LatencyRun | undefined, a: 'batch' | 'e2e'): string => (x ? `${ms(a === 'batch' ? x.batchP50 : x.e2eP50)} / ${ms(a === 'batch' ? x.batchP95 : x.e2eP95)}` : '–');
        const seen = (x: LatencyRun | undefined): string => (x ? `${x.markers} (${x.missed})` : '–');
        latency.push(`| ${source} | ${b.partitions} | ${b.label} | ${k(r)} | ${pair(of('q1'), 'batch')} | ${pair(of('q1'), 'e2e')} | ${pair(of('q2'), 'batch')} | ${pair(of('q2'), 'e2e')} | ${seen(of('q1'))}, ${seen(of('q2'))} |`);
      }
    }
  }
  const cpu = cpus();
  return [
    '# Kindling against Spark, side by side',
    '',
    `Written by \`npm run bench:spark\` on ${new Date().toISOString()}.`,
    '',
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB, ${osType()} ${release()}; load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `- Versions: Kindling ${input.kindlingVersion}, Node ${process.version}, Spark ${input.sparkVersion} (test/spark's pinned pyspark, Java 17); client: test/compat's pinned pyspark-client`,
    `- Command: \`${input.command}\``,
    `- Workload: Q1 = \`groupBy(window(timestamp, '60 seconds', '30 seconds'), word).count()\`, Q2 = the same with a 5 s slide (12 windows a word), \`current_timestamp\` and a 5 s watermark, complete mode into the memory sink; one PySpark Connect client; the same \`spark.sql.shuffle.partitions\` on every engine.`,
    `- Throughput: ${words} words (Zipf, 10 a line) from ${input.fileCount} text files written before the query starts, or from a socket feeder serving them as fast as they are read; time from \`start()\` until the memory table holds every word, median of ${input.runs}.`,
    `- Latency: the client writes one file (renamed into the directory) or sends one chunk of lines every 200 ms at the given words/s for ${input.latencySeconds} s, with a marker word in each; end-to-end is from the chunk being durable until a query of the memory table first shows its marker (the client polls as fast as the server answers); the first second is not counted. Batch p50/p95: batches with input in the same run.`,
    '- Peak RSS: the summed resident memory of the engine\'s processes (the JVM; the `kindling` node processes; redis-server), sampled every 200 ms; each query runs on a server started for it alone for each source, and its peak is over the runs on that server (throughput and latency).',
    '',
    '## Throughput',
    '',
    ...throughput,
    '',
    '## Latency',
    '',
    ...latency,
    '',
  ].join('\n');
}
