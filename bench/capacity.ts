import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { SparkSession, functions as F } from '../client/index.js';
import { generateCorpus } from '../cli/corpus.js';
import { startFeeder } from '../cli/feed.js';
import { BENCH_WORKER_TIMEOUT_MS, Cluster } from '../test/cluster/harness.js';
import { RedisServer } from '../test/support/redis-server.js';
import { RedisClusterServers } from '../test/support/redis-cluster.js';
import { watchUntilProcessed } from './progress-watch.js';

/**
 * `node dist/bench/capacity.js`: the per-batch costs the capacity model in ARCHITECTURE.md is
 * built from, for 1, 2 and 4 workers on one Redis and on a 3-shard Redis Cluster. For each run:
 * words/s, batches, Redis calls and bytes received per batch and per state partition written,
 * bytes each worker writes per word (shuffle blocks, Redis writes, task replies: /proc/PID/io),
 * and the master's CPU per batch (/proc/PID/stat). Env: KINDLING_CAPACITY_LINES (default 30000),
 * KINDLING_CAPACITY_RATE (steady lines/s, default 500),
 * KINDLING_CAPACITY_WORKERS (1,2,4), KINDLING_CAPACITY_SHARDS (1,3), KINDLING_BENCH_PARTITIONS (32).
 */

interface RedisTotals {
  calls: number;
  inputBytes: number;
  byCommand: Map<string, number>;
}

async function redisTotals(ports: readonly number[]): Promise<RedisTotals> {
  let calls = 0;
  let inputBytes = 0;
  const byCommand = new Map<string, number>();
  for (const port of ports) {
    const r = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      const stats = await r.info('commandstats');
      for (const m of stats.matchAll(/cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/g)) {
        if (['info', 'cluster', 'ping', 'command', 'client'].some((c) => (m[1] as string).startsWith(c))) continue;
        calls += Number(m[2]);
        byCommand.set(m[1] as string, (byCommand.get(m[1] as string) ?? 0) + Number(m[2]));
      }
      inputBytes += Number(/total_net_input_bytes:(\d+)/.exec(await r.info('stats'))?.[1] ?? 0);
    } finally {
      r.disconnect();
    }
  }
  return { calls, inputBytes, byCommand };
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function written(pid: number): number {
  return Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
}

async function measure(workers: number, shards: number, lines: readonly string[], partitions: string, steadyRate: number): Promise<string> {
  process.env['KINDLING_TEST_LOG'] ??= 'warn';
  const single = shards === 1 ? await RedisServer.start({ appendfsync: 'always' }) : undefined;
  const cluster = shards > 1 ? await RedisClusterServers.start(shards, 0) : undefined;
  const ports = single ? [single.port] : (cluster?.nodes.map((n) => n.port) ?? []);
  const url = single ? single.url : (cluster as RedisClusterServers).url();
  const c = await Cluster.start({ workers, redisUrl: url, workerTimeoutMs: BENCH_WORKER_TIMEOUT_MS });
  const spark = await SparkSession.builder().remote(c.url).appName('capacity').getOrCreate();
  try {
    await spark.conf.set('spark.sql.shuffle.partitions', partitions);
    const masterPid = c.master.child.pid as number;
    const workerPids = c.workers.map((w) => w.node.child.pid as number);
    const query = async (name: string, input: readonly string[], rate: number) => {
      const feeder = await startFeeder({ port: 0, host: '127.0.0.1', lines: input, rate, log: pino({ level: 'warn' }) });
      const before = { redis: await redisTotals(ports), master: cpuMs(masterPid), out: workerPids.map(written) };
      const src = spark.readStream.format('socket').option('host', '127.0.0.1').option('port', feeder.port).load();
      const words = src.select(F.explode(F.split(src.col('value'), ' ')).alias('word'));
      const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
      const started = performance.now();
      const q = await wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count().writeStream.outputMode('complete').format('memory').queryName(name).start();
      const batches = await watchUntilProcessed(q, input.length, 20);
      const ms = performance.now() - started;
      const after = { redis: await redisTotals(ports), master: cpuMs(masterPid), out: workerPids.map(written) };
      await q.stop();
      await feeder.close();
      const wordCount = input.reduce((n, l) => n + l.split(' ').length, 0);
      return {
        wordsPerSecond: wordCount / (ms / 1000),
        batches: Math.max(1, batches.length),
        words: wordCount,
        calls: after.redis.calls - before.redis.calls,
        byCommand: [...after.redis.byCommand].map(([cmd, n]) => [cmd, n - (before.redis.byCommand.get(cmd) ?? 0)] as const).filter(([, n]) => n > 0),
        redisIn: after.redis.inputBytes - before.redis.inputBytes,
        masterMs: after.master - before.master,
        workerBytes: after.out.reduce((n, b, i) => n + b - (before.out[i] ?? 0), 0),
      };
    };
    // Throughput: the whole corpus at once. Costs: a steady feed in many small batches, as a live
    // stream runs (the first batch of a query loads scripts and state; steady batches do not).
    await query('warmup', lines.slice(0, 2000), 0);
    const max = await query('throughput', lines, 0);
    const steady = await query('steady', lines.slice(0, steadyRate * 12), steadyRate);
    const n = steady.batches;
    const p = Number(partitions);
    return [
      `${workers} worker(s), ${shards === 1 ? '1 Redis' : `${shards}-shard Redis Cluster`}:`,
      `max ${Math.round(max.wordsPerSecond).toLocaleString('en')} words/s (${max.batches} batches);`,
      `steady ${steadyRate * 10} words/s in ${n} batches:`,
      `Redis ${(steady.calls / n).toFixed(0)} calls/batch (${(steady.calls / n / p).toFixed(2)}/partition),`,
      `[${steady.byCommand
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([cmd, k]) => `${cmd} ${(k / n).toFixed(1)}`)
        .join(', ')}],`,
      `${(steady.redisIn / n / 1024).toFixed(1)} KiB in/batch (${(steady.redisIn / steady.words).toFixed(1)} B/word),`,
      `workers write ${(steady.workerBytes / steady.words).toFixed(1)} B/word,`,
      `master CPU ${(steady.masterMs / n).toFixed(0)} ms/batch (${((steady.masterMs / steady.words) * 1000).toFixed(1)} µs/word)`,
    ].join(' ');
  } finally {
    await spark.stop().catch(() => undefined);
    await c.close();
    await single?.close();
    await cluster?.close();
  }
}

async function main(): Promise<void> {
  const lines = generateCorpus({ lines: Number(process.env['KINDLING_CAPACITY_LINES'] ?? 30_000), wordsPerLine: 10, vocabularySize: 10_000, skew: 1.0 });
  const partitions = process.env['KINDLING_BENCH_PARTITIONS'] ?? '32';
  const workerCounts = (process.env['KINDLING_CAPACITY_WORKERS'] ?? '1,2,4').split(',').map(Number);
  const shardCounts = (process.env['KINDLING_CAPACITY_SHARDS'] ?? '1,3').split(',').map(Number);
  process.stdout.write(`corpus: ${lines.length} lines of 10 words (Zipf over 10000 words), ${partitions} state partitions\n`);
  const steadyRate = Number(process.env['KINDLING_CAPACITY_RATE'] ?? 500);
  for (const shards of shardCounts) for (const w of workerCounts) process.stdout.write(`${await measure(w, shards, lines, partitions, steadyRate)}\n`);
  process.exit(0);
}

void main();
