import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, type as osType, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { generateCorpus } from '../cli/corpus.js';
import { startLocal } from '../cli/local.js';
import { startSparkConnect } from '../test/spark/spark-server.js';

/**
 * `npm run bench:spark`: the seed queries Q1 (60 s / 30 s windows) and Q2 (60 s / 5 s) over the
 * text-file source, one PySpark Connect client against Spark local[2] and against Kindling local,
 * the same files and the same `spark.sql.shuffle.partitions`. Writes bench/RESULTS.md.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

interface Run {
  readonly query: 'q1' | 'q2';
  readonly run: number;
  readonly seconds: number;
  readonly rows: number;
  readonly total: number;
}

async function main(): Promise<void> {
  const lineCount = Number(process.env['KINDLING_BENCH_LINES'] ?? 300_000);
  const fileCount = Number(process.env['KINDLING_BENCH_FILES'] ?? 100);
  const partitions = process.env['KINDLING_BENCH_PARTITIONS'] ?? '4';
  const runs = Number(process.env['KINDLING_BENCH_RUNS'] ?? 3);
  const workers = 2;
  const root = mkdtempSync(join(tmpdir(), 'kindling-bench-spark-'));
  const write = (dir: string, lines: readonly string[]): void => {
    mkdirSync(dir);
    const per = Math.ceil(lines.length / fileCount);
    for (let f = 0; f * per < lines.length; f++) writeFileSync(join(dir, `part-${String(f).padStart(5, '0')}.txt`), `${lines.slice(f * per, (f + 1) * per).join('\n')}\n`);
  };
  const lines = generateCorpus({ lines: lineCount, wordsPerLine: 10, vocabularySize: 10_000, skew: 1.0 });
  const words = lines.reduce((n, l) => n + l.split(' ').length, 0);
  write(join(root, 'corpus'), lines);
  write(join(root, 'warmup'), lines.slice(0, Math.min(lines.length, 20_000)));
  // The client: test/compat's pinned pyspark-client (the thin Connect client; the full pyspark in
  // test/spark's venv runs the Spark server and lacks the client's pandas/pyarrow).
  await promisify(execFile)('bash', [join(repo, 'test', 'compat', 'setup.sh')], { maxBuffer: 16 * 1024 * 1024 });
  const python = join(repo, 'test', 'compat', '.venv', 'bin', 'python');
  const client = async (url: string): Promise<Run[]> => {
    const { stdout } = await promisify(execFile)(python, [join(repo, 'bench', 'spark_client.py'), url, join(root, 'corpus'), join(root, 'warmup'), String(runs), partitions], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run);
  };

  const results = new Map<string, Run[]>();
  let sparkVersion = '?';
  const spark = await startSparkConnect({ 'spark.master': 'local[2]', 'spark.sql.shuffle.partitions': partitions, 'spark.driver.memory': '2g' });
  try {
    sparkVersion = spark.sparkVersion;
    results.set(`Spark ${spark.sparkVersion} local[2]`, await client(spark.url));
  } finally {
    await spark.stop();
  }
  const local = await startLocal({ port: 0, host: '127.0.0.1', workers, log: pino({ level: 'warn' }, pino.destination(2)), conf: { 'spark.sql.shuffle.partitions': partitions } });
  try {
    results.set(`Kindling local (${workers} workers)`, await client(`sc://127.0.0.1:${local.port}`));
  } finally {
    await local.close();
  }
  rmSync(root, { recursive: true, force: true });

  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const rate = (rs: Run[], q: 'q1' | 'q2'): number => words / median(rs.filter((r) => r.query === q).map((r) => r.seconds));
  const [sparkRuns] = [...results.values()];
  const k = (n: number): string => `${(n / 1000).toFixed(0)} k`;
  const table = [
    '| engine | Q1 words/s | Q2 words/s | Q2 / Q1 | Q1 rows, sum(count) | Q2 rows, sum(count) |',
    '|---|---|---|---|---|---|',
    ...[...results].map(([engine, rs]) => {
      const q1 = rate(rs, 'q1');
      const q2 = rate(rs, 'q2');
      const vsSpark = sparkRuns && rs !== sparkRuns ? ` (${(q1 / rate(sparkRuns, 'q1')).toFixed(2)}×)` : '';
      const vsSpark2 = sparkRuns && rs !== sparkRuns ? ` (${(q2 / rate(sparkRuns, 'q2')).toFixed(2)}×)` : '';
      const check = (q: 'q1' | 'q2'): string => [...new Set(rs.filter((r) => r.query === q).map((r) => `${r.rows}, ${r.total}`))].join(' / ');
      return `| ${engine} | ${k(q1)}${vsSpark} | ${k(q2)}${vsSpark2} | ${((q2 / q1) * 100).toFixed(0)} % | ${check('q1')} | ${check('q2')} |`;
    }),
  ];
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  const cpu = cpus();
  const doc = [
    '# Kindling against Spark, side by side',
    '',
    `Written by \`npm run bench:spark\` on ${new Date().toISOString()}.`,
    '',
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB, ${osType()} ${release()}; load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `- Versions: Kindling ${pkg.version}, Node ${process.version}, Spark ${sparkVersion} (test/spark's pinned pyspark, Java 17); client: test/compat's pinned pyspark-client`,
    `- Command: \`KINDLING_BENCH_LINES=${lineCount} KINDLING_BENCH_FILES=${fileCount} KINDLING_BENCH_PARTITIONS=${partitions} KINDLING_BENCH_RUNS=${runs} npm run bench:spark\``,
    `- Workload: ${words} words (Zipf, 10 a line) in ${fileCount} text files written before each query starts; one PySpark Connect client; \`spark.sql.shuffle.partitions\` = ${partitions} on both; complete mode into the memory sink. Q1 = 60 s / 30 s windows by word, Q2 = 60 s / 5 s (12 windows a word). Time from \`start()\` until \`processAllAvailable()\` returns, median of ${runs}.`,
    '',
    ...table,
    '',
  ].join('\n');
  writeFileSync(join(repo, 'bench', 'RESULTS.md'), doc);
  process.stdout.write(`${doc}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:spark failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
