// Over 400 lines because: one chaos run is one state machine (faults, recovery, the exact-count oracle); its parts share the run state throughout.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { SparkSession, functions as F, type StreamingQuery } from '../../client/index.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import { ChaosCluster, type ChaosWorker } from './chaos-cluster.js';
import { FAULT_KINDS, faultSchedule, percentile, type FaultKind } from './faults.js';
import { Feeder, STREAM_KEY, expectedCounts, prng } from './input.js';
import { NetNamespace } from './netns.js';
import { eventually, letTimePass, withDeadline } from '../support/eventually.js';

export interface ChaosOptions {
  readonly seed: number;
  /** Faults are injected at seeded times within this window (after a warm-up). */
  readonly faultWindowMs: number;
  readonly faultsPerKind: number;
  /** The kinds injected (all by default; a subset helps find which kind breaks a seed). */
  readonly kinds?: readonly FaultKind[];
  readonly linesPerSecond?: number;
  /** Healthy root-namespace workers kept running (plus one in the network namespace). */
  readonly workers?: number;
  readonly workerTimeoutMs?: number;
  readonly partitions?: number;
  readonly warmupMs?: number;
  /** How long the final check waits for the query to catch up with the input. */
  readonly settleMs?: number;
  /** Rows of the collect a client starts before it is killed. */
  readonly collectRows?: number;
  /** Where every process's output goes (kept for diagnosis). */
  readonly logDir: string;
  readonly log?: (line: string) => void;
}

export interface ChaosReport {
  readonly seed: number;
  readonly elapsedMs: number;
  readonly faults: Record<FaultKind, number>;
  readonly lines: number;
  readonly words: number;
  readonly cells: number;
  readonly batchesCommitted: number;
  readonly batchesRerun: number;
  /** State writes refused because a newer owner held the partition (workers' logs). */
  readonly staleWritesFenced: number;
  readonly queryRestarts: number;
  readonly secondRun: { refused: number; olderStopped: number; bothActive: number };
  readonly collectsKilled: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly caughtUp: boolean;
  readonly mismatches: readonly string[];
  readonly recovery: { p50: number; p99: number; max: number; n: number };
  readonly recoveryByKind: Record<FaultKind, { p50: number; p99: number }>;
  readonly masterRssMaxMb: number;
  readonly notes: readonly string[];
}

const QUERY = 'chaos_counts';
const COLLECT_CLIENT = [new URL('./collect-client.js', import.meta.url), new URL('../../dist/test/chaos/collect-client.js', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p));

/**
 * One chaos run: a real cluster on loopback, a seeded feeder, the seed windowed word count started
 * through the TypeScript client, and the issue's faults at seeded times; at the end, every
 * (window, word) count in the memory table is compared with a count computed from the seed alone.
 */
export class ChaosRun {
  private readonly rnd: () => number;
  private cluster!: ChaosCluster;
  private ns: NetNamespace | undefined;
  private feeder: Feeder | undefined;
  private spark: SparkSession | undefined;
  private query: StreamingQuery | undefined;
  private readonly checkpoint: string;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly loops: (() => Promise<void>)[] = [];
  private readonly heals = new Set<Promise<void>>();
  private readonly injected: { kind: FaultKind; at: number }[] = [];
  private readonly commits: { t: number; batch: number }[] = [];
  private readonly notes: string[] = [];
  private readonly started = Date.now();
  private queryRestarts = 0;
  private collectsKilled = 0;
  private readonly secondRun = { refused: 0, olderStopped: 0, bothActive: 0 };
  private masterRssMaxMb = 0;
  private unreachable = 0;

  constructor(private readonly o: ChaosOptions) {
    this.rnd = prng(o.seed);
    this.checkpoint = `chaos-${o.seed}-${process.pid}-${Date.now()}`;
  }

  private get workerTarget(): number {
    return this.o.workers ?? 3;
  }

  private get workerTimeoutMs(): number {
    return this.o.workerTimeoutMs ?? 3000;
  }

  private say(line: string): void {
    this.o.log?.(`[${((Date.now() - this.started) / 1000).toFixed(1).padStart(6)}s] ${line}`);
  }

  private note(line: string): void {
    if (this.notes.length < 200) this.notes.push(`${((Date.now() - this.started) / 1000).toFixed(1)}s ${line}`);
    this.say(line);
  }

  /** Serialises what replaces the master, the session or the run. */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const r = this.chain.then(f, f);
    this.chain = r.catch(() => undefined);
    return r;
  }

  async run(): Promise<ChaosReport> {
    try {
      this.ns = NetNamespace.create();
      this.cluster = await ChaosCluster.start(this.ns, this.workerTimeoutMs, this.o.logDir);
      for (let i = 0; i < this.workerTarget; i++) await this.cluster.addWorker(false);
      await this.cluster.addWorker(true);
      await eventually(async () => (await this.cluster.aliveWorkerIds()).length >= this.workerTarget + 1, { timeoutMs: 30_000, intervalMs: 100, message: 'workers to register' });
      this.feeder = new Feeder(this.cluster.redis.url, this.o.seed, Number.POSITIVE_INFINITY, this.o.linesPerSecond ?? 40);
      await this.exclusive(() => this.replaceRun());
      this.queryRestarts = 0;
      this.loop(300, () => this.reconcileWorkers());
      this.loop(150, () => this.pollCommits());
      this.loop(1000, () => this.exclusive(() => this.superviseRun()));
      this.say(`cluster up: master, ${this.workerTarget} workers + 1 in netns ${this.ns.name}; checkpoint ${this.checkpoint}`);
      await letTimePass(this.o.warmupMs ?? 5000, 'warm-up: the query runs before the first fault');

      const schedule = faultSchedule(this.o.seed, this.o.faultWindowMs, this.o.faultsPerKind, this.o.kinds);
      const windowStart = Date.now();
      for (const [i, f] of schedule.entries()) {
        await letTimePass(windowStart + f.atMs - Date.now(), "the fault's seeded time");
        try {
          const what = await this.inject(f.kind);
          this.injected.push({ kind: f.kind, at: Date.now() });
          this.say(`fault ${i + 1}/${schedule.length} ${f.kind}${what ? ` (${what})` : ''}`);
        } catch (e) {
          this.note(`fault ${f.kind} not injected: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      await Promise.all([...this.heals]);
      this.say('faults done; feeding on a little, then checking');
      await letTimePass(5000, 'feeding on a little after the last fault');
      return await this.check();
    } finally {
      await this.shutdown();
    }
  }

  // ---- the query

  private async newSession(): Promise<SparkSession> {
    const s = await withDeadline(SparkSession.builder().remote(this.cluster.url).appName('chaos').retryPolicy({ maxRetries: 2, maxBackoffMs: 500 }).create(), 15_000, 'creating a session');
    await withDeadline(s.conf.set('spark.sql.shuffle.partitions', String(this.o.partitions ?? 8)), 10_000, 'conf');
    await withDeadline(s.conf.set('kindling.streaming.maxBatchAttempts', '10'), 10_000, 'conf');
    return s;
  }

  /** The seed query: per 60 s / 30 s window and word, the count, in a complete-mode memory table. */
  private startQuery(s: SparkSession): Promise<StreamingQuery> {
    const raw = s.readStream.format('redis').option('url', this.cluster.sharedRedisUrl).option('key', STREAM_KEY).option('startId', '0-0').load();
    const words = raw.select(F.explode(F.split(raw.col('fields').getItem('line'), ' ')).alias('word'), raw.col('timestamp'));
    const counts = words.withWatermark('timestamp', '5 seconds').groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();
    return withDeadline(counts.writeStream.outputMode('complete').format('memory').queryName(QUERY).option('checkpointLocation', this.checkpoint).start(), 30_000, 'starting the query');
  }

  /** A new session and run on the same checkpoint (what a user does after the master restarted). */
  private async replaceRun(): Promise<void> {
    const old = this.spark;
    this.spark = undefined;
    this.query = undefined;
    await withDeadline(old?.stop() ?? Promise.resolve(), 5000, 'stopping the old session').catch(() => undefined);
    const s = await this.newSession();
    try {
      this.query = await this.startQuery(s);
      this.spark = s;
      this.unreachable = 0;
      this.queryRestarts++;
    } catch (e) {
      await withDeadline(s.stop(), 5000, 'stopping a session').catch(() => undefined);
      throw e;
    }
  }

  /** Restarts the run when it ended (a failure) or its session cannot be reached. */
  private async superviseRun(): Promise<void> {
    if (!this.cluster.master.alive) return;
    if (this.query) {
      const active = await withDeadline(this.query.isActive(), 5000, 'isActive').catch(() => undefined);
      if (active === true) {
        this.unreachable = 0;
        return;
      }
      // A master busy with a big collect can miss a few calls; a new session would start a second run.
      if (active === undefined && ++this.unreachable < 10) return;
      if (active === false) {
        const ex = await withDeadline(this.query.exception(), 5000, 'exception').catch(() => null);
        this.note(`query run ended: ${ex ? String(ex.message).split('\n')[0] : 'stopped'}; restarting from the checkpoint`);
      } else {
        this.note('session unreachable; a new session restarts the query');
      }
    }
    await this.replaceRun().catch((e: unknown) => this.note(`restarting the query failed: ${(e as Error).message.split('\n')[0]}`));
  }

  // ---- faults

  private pick(inNamespace: boolean): ChaosWorker | undefined {
    const ws = this.cluster.workers.filter((w) => w.inNamespace === inNamespace && w.state === 'healthy');
    return ws[Math.floor(this.rnd() * ws.length)];
  }

  private async healthyWorker(inNamespace: boolean): Promise<ChaosWorker> {
    let w: ChaosWorker | undefined;
    await eventually(async () => (w = this.pick(inNamespace)) !== undefined, { timeoutMs: 30_000, intervalMs: 100, message: 'a healthy worker' });
    return w as ChaosWorker;
  }

  private afterHeartbeatTimeout(): number {
    return this.workerTimeoutMs + 1000 + Math.floor(this.rnd() * 2000);
  }

  private later(ms: number, f: () => void): void {
    const p = letTimePass(ms, 'a scheduled heal').then(f);
    this.heals.add(p);
    void p.finally(() => this.heals.delete(p));
  }

  private async inject(kind: FaultKind): Promise<string> {
    switch (kind) {
      case 'worker-kill9': {
        const w = await this.healthyWorker(false);
        w.state = 'dead';
        w.node.signal('SIGKILL');
        return w.id;
      }
      case 'worker-sigterm': {
        const w = await this.healthyWorker(false);
        w.state = 'leaving';
        w.node.signal('SIGTERM');
        return w.id;
      }
      case 'worker-sigstop': {
        const w = await this.healthyWorker(false);
        const ms = this.afterHeartbeatTimeout();
        w.state = 'stopped';
        w.node.signal('SIGSTOP');
        this.later(ms, () => {
          if (w.state !== 'stopped') return;
          w.node.signal('SIGCONT');
          w.state = 'healthy';
        });
        return `${w.id} for ${ms} ms`;
      }
      case 'worker-partition': {
        const ns = this.ns as NetNamespace;
        await eventually(() => Promise.resolve(!ns.cut), { timeoutMs: 30_000, intervalMs: 100, message: 'the previous partition to heal' });
        const w = await this.healthyWorker(true);
        const ms = this.afterHeartbeatTimeout();
        ns.partition();
        w.state = 'partitioned';
        this.later(ms, () => {
          ns.heal();
          if (w.state === 'partitioned') w.state = 'healthy';
        });
        return `${w.id} for ${ms} ms`;
      }
      case 'master-kill9':
        return this.exclusive(async () => {
          await this.cluster.master.stop('SIGKILL');
          await withDeadline(this.spark?.stop() ?? Promise.resolve(), 5000, 'stopping the session').catch(() => undefined);
          this.spark = undefined;
          this.query = undefined;
          await this.cluster.startMaster();
          // Restart the query as soon as the master answers: workers re-register meanwhile.
          await eventually(async () => (await this.cluster.aliveWorkerIds().catch(() => [])).length > 0, { timeoutMs: 15_000, intervalMs: 100, message: 'a worker to re-register' }).catch(
            () => undefined,
          );
          for (let attempt = 0; ; attempt++) {
            try {
              await this.replaceRun();
              return `run ${this.queryRestarts}`;
            } catch (e) {
              if (attempt >= 4) throw e;
              await letTimePass(1000, 'back off before starting the run again');
            }
          }
        });
      case 'redis-kill9':
        await this.cluster.redis.restart(true);
        return '';
      case 'client-collect-kill':
        return this.collectAndDie();
      case 'second-run':
        return this.exclusive(() => this.startSecondRun());
      default: {
        const never: never = kind;
        throw new Error(`unknown fault ${String(never)}`);
      }
    }
  }

  private async collectAndDie(): Promise<string> {
    if (!COLLECT_CLIENT) throw new Error('dist/test/chaos/collect-client.js is missing: run npm run build');
    const child = spawn(process.execPath, [COLLECT_CLIENT, this.cluster.url, String(this.o.collectRows ?? 2_000_000)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      await eventually(() => Promise.resolve(out.includes('collecting') || child.exitCode !== null), { timeoutMs: 60_000, intervalMs: 100, message: 'the collect to start' });
      await letTimePass(300 + Math.floor(this.rnd() * 1500), 'the collect is killed at a seeded moment');
      if (child.exitCode !== null) return `client ended first: ${out.trim().split('\n').pop() ?? ''}`;
      this.collectsKilled++;
      return 'client killed mid-collect';
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }

  /**
   * The notebook-kernel-restart case: the same query started again on the same checkpoint from
   * another session while the current run is active. Spark stops the older run (or refuses with
   * CONCURRENT_QUERY); two live runs are recorded as a violation, and the older is then stopped.
   */
  private async startSecondRun(): Promise<string> {
    const older = this.query;
    const olderSession = this.spark;
    const s = await this.newSession();
    let q: StreamingQuery;
    try {
      q = await this.startQuery(s);
    } catch (e) {
      await withDeadline(s.stop(), 5000, 'stopping a session').catch(() => undefined);
      const msg = (e as Error).message;
      if (/CONCURRENT_QUERY|already active/i.test(msg)) {
        this.secondRun.refused++;
        return 'refused';
      }
      throw e;
    }
    const olderActive =
      older !== undefined &&
      !(await eventually(async () => (await withDeadline(older.isActive(), 3000, 'isActive').catch(() => false)) !== true, {
        timeoutMs: 5000,
        intervalMs: 200,
        message: 'the older run to stop',
      }).catch(() => false));
    if (olderActive) {
      this.secondRun.bothActive++;
      this.note('second run on the same checkpoint: both runs active; stopping the older');
      await withDeadline((older as StreamingQuery).stop(), 10_000, 'stopping the older run').catch(() => undefined);
    } else {
      this.secondRun.olderStopped++;
    }
    await withDeadline(olderSession?.stop() ?? Promise.resolve(), 5000, 'stopping the older session').catch(() => undefined);
    this.spark = s;
    this.query = q;
    return olderActive ? 'both were active' : 'older run stopped';
  }

  // ---- background loops

  private loop(everyMs: number, f: () => Promise<void>): void {
    let stopped = false;
    const done = (async () => {
      while (!stopped) {
        try {
          await f();
        } catch (e) {
          this.note(`background: ${(e as Error).message.split('\n')[0]}`);
        }
        await letTimePass(everyMs, "the background loop's pace");
      }
    })();
    this.loops.push(async () => {
      stopped = true;
      await done;
    });
  }

  private spawning = false;

  /** Keeps `workers` healthy root-namespace workers and one namespace worker running. */
  private async reconcileWorkers(): Promise<void> {
    if (this.spawning) return;
    this.spawning = true;
    try {
      const root = this.cluster.workers.filter((w) => !w.inNamespace && w.state === 'healthy');
      if (root.length < this.workerTarget) await this.cluster.addWorker(false);
      else if (root.length > this.workerTarget + 2) {
        const extra = root[0] as ChaosWorker;
        extra.state = 'leaving';
        extra.node.signal('SIGTERM');
      }
      if (!this.cluster.workers.some((w) => w.inNamespace && w.state !== 'dead' && w.state !== 'leaving')) await this.cluster.addWorker(true);
    } finally {
      this.spawning = false;
    }
  }

  private pollRedis: Redis | undefined;

  private async pollCommits(): Promise<void> {
    this.masterRssMaxMb = Math.max(this.masterRssMaxMb, this.cluster.masterRssMb());
    if (!this.pollRedis) {
      this.pollRedis = new Redis(this.cluster.redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 200 });
      this.pollRedis.on('error', () => undefined);
    }
    const ids = await this.pollRedis.hkeys(CheckpointKeys.commits(this.checkpoint)).catch(() => undefined);
    if (!ids || ids.length === 0) return;
    const batch = Math.max(...ids.map(Number));
    const last = this.commits[this.commits.length - 1];
    if (!last || batch > last.batch) this.commits.push({ t: Date.now(), batch });
  }

  // ---- the check

  private async table(): Promise<Map<string, number>> {
    const s = this.spark;
    if (!s) throw new Error('no session');
    const rows = await withDeadline(s.sql(`SELECT CAST(window.start AS LONG) AS ws, word, count FROM ${QUERY}`).collect(), 30_000, 'reading the table');
    const m = new Map<string, number>();
    for (const r of rows) m.set(`${Number(r.get('ws'))}|${String(r.get('word'))}`, Number(r.get('count')));
    return m;
  }

  private async check(): Promise<ChaosReport> {
    const feeder = this.feeder as Feeder;
    await feeder.close();
    const lines = feeder.written;
    const expected = expectedCounts(this.o.seed, lines);
    this.say(`input closed at ${lines} lines; waiting for the counts`);
    let got = new Map<string, number>();
    const caughtUp = await eventually(
      async () => {
        try {
          got = await this.exclusive(() => this.table());
          return got.size === expected.size && [...expected].every(([k, n]) => got.get(k) === n);
        } catch (e) {
          this.note(`reading the table: ${(e as Error).message.split('\n')[0]}`);
          return false;
        }
      },
      { timeoutMs: this.o.settleMs ?? 180_000, intervalMs: 2000, message: 'the counts to catch up' },
    ).catch(() => false);
    let lost = 0;
    let duplicated = 0;
    const mismatches: string[] = [];
    for (const k of new Set([...expected.keys(), ...got.keys()])) {
      const d = (got.get(k) ?? 0) - (expected.get(k) ?? 0);
      if (d < 0) lost -= d;
      if (d > 0) duplicated += d;
      if (d !== 0 && mismatches.length < 20) mismatches.push(`${k}: expected ${expected.get(k) ?? 0}, got ${got.get(k) ?? 0}`);
    }
    const recoveries = new Map<FaultKind, number[]>(FAULT_KINDS.map((k) => [k, []]));
    for (const f of this.injected) {
      const next = this.commits.find((c) => c.t > f.at);
      if (next) recoveries.get(f.kind)?.push(next.t - f.at);
    }
    const all = [...recoveries.values()].flat();
    const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, this.injected.filter((f) => f.kind === k).length])) as Record<FaultKind, number>;
    const rerunLog = /resuming: re-running the uncommitted batch|batch attempt failed; retrying/g;
    return {
      seed: this.o.seed,
      elapsedMs: Date.now() - this.started,
      faults,
      lines,
      words: [...expected.values()].reduce((a, b) => a + b, 0) / 2,
      cells: expected.size,
      batchesCommitted: (this.commits[this.commits.length - 1]?.batch ?? -1) + 1,
      batchesRerun: this.cluster.masters.reduce((n, m) => n + (m.stderr.match(rerunLog)?.length ?? 0), 0),
      staleWritesFenced: this.countInLogs(/stale owner fenced off/g),
      queryRestarts: this.queryRestarts,
      secondRun: { ...this.secondRun },
      collectsKilled: this.collectsKilled,
      lost,
      duplicated,
      caughtUp,
      mismatches,
      recovery: { p50: percentile(all, 50), p99: percentile(all, 99), max: all.length ? Math.max(...all) : Number.NaN, n: all.length },
      recoveryByKind: Object.fromEntries(
        [...recoveries].map(([k, xs]) => [k, { p50: percentile(xs, 50), p99: percentile(xs, 99) }]),
      ) as Record<FaultKind, { p50: number; p99: number }>,
      masterRssMaxMb: Math.round(this.masterRssMaxMb),
      notes: this.notes,
    };
  }

  private countInLogs(re: RegExp): number {
    let n = 0;
    for (const f of readdirSync(this.o.logDir)) n += readFileSync(join(this.o.logDir, f), 'utf8').match(re)?.length ?? 0;
    return n;
  }

  private async shutdown(): Promise<void> {
    await Promise.all(this.loops.map((stop) => stop()));
    await this.feeder?.close();
    this.pollRedis?.disconnect();
    await withDeadline(this.spark?.stop() ?? Promise.resolve(), 5000, 'stopping the session').catch(() => undefined);
    await this.cluster?.close();
    this.ns?.destroy();
  }
}

/** The report as the suite prints it. */
export function formatReport(r: ChaosReport): string {
  const ms = (x: number): string => (Number.isNaN(x) ? 'n/a' : `${(x / 1000).toFixed(2)} s`);
  const lines = [
    `chaos seed ${r.seed}: ${(r.elapsedMs / 1000).toFixed(0)} s, ${r.lines} lines, ${r.words} words, ${r.cells} (window, word) counts`,
    `faults: ${FAULT_KINDS.map((k) => `${k} ${r.faults[k]}`).join(', ')} (total ${Object.values(r.faults).reduce((a, b) => a + b, 0)})`,
    `batches committed ${r.batchesCommitted}, re-run ${r.batchesRerun}; stale state writes fenced ${r.staleWritesFenced}; query restarts ${r.queryRestarts}; collects killed mid-stream ${r.collectsKilled}`,
    `second run on the checkpoint: older stopped ${r.secondRun.olderStopped}, refused ${r.secondRun.refused}, both active ${r.secondRun.bothActive}`,
    `recovery (fault -> next committed batch): p50 ${ms(r.recovery.p50)}, p99 ${ms(r.recovery.p99)}, max ${ms(r.recovery.max)} over ${r.recovery.n} faults`,
    ...FAULT_KINDS.map((k) => `  ${k.padEnd(20)} p50 ${ms(r.recoveryByKind[k].p50)}, p99 ${ms(r.recoveryByKind[k].p99)}`),
    `master RSS max ${r.masterRssMaxMb} MB`,
    `lost ${r.lost}, duplicated ${r.duplicated}${r.caughtUp ? '' : ' (the table never matched the input)'}`,
    ...r.mismatches.map((m) => `  ${m}`),
  ];
  return lines.join('\n');
}
