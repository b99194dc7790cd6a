import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLUSTER_NODE_OPTIONS } from '../../infra/v8/young-generation.js';
import { eventually, GiveUp, withDeadline } from '../support/eventually.js';
import { RedisServer } from '../support/redis-server.js';

/**
 * The environment of a master or worker process: Node options as docker-compose.yml and the README
 * start them (infra/v8/young-generation.ts), after any the caller has; flags in KINDLING_NODE_ARGS
 * (the command line) still win over them.
 */
function clusterProcessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const inherited = env['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'];
  return { ...env, NODE_OPTIONS: inherited ? `${inherited} ${CLUSTER_NODE_OPTIONS}` : CLUSTER_NODE_OPTIONS };
}

/** bin/kindling.js, from the source tree (vitest) or from dist/ (the compiled bench). */
const BIN = [new URL('../../bin/kindling.js', import.meta.url), new URL('../../../bin/kindling.js', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p)) as string;

/** A `kindling` process started from the built package, with its output kept for diagnosis. */
export class KindlingNode {
  private out = '';
  private err = '';
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.err += d.toString()));
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  }

  static spawn(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): KindlingNode {
    // KINDLING_NODE_ARGS: extra Node flags for the spawned processes (e.g. --cpu-prof when profiling).
    const nodeArgs = (process.env['KINDLING_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    return new KindlingNode(name, spawn(process.execPath, [...nodeArgs, BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a stdout line matching `re` and returns its match. */
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return eventually(
      () => {
        const m = re.exec(this.out);
        if (m) return m;
        // A dead process never prints it: fail at once (a plain throw would only mean "not yet").
        if (!this.alive) throw new GiveUp(`${this.name} exited:\n${this.out}\n${this.err.slice(-4000)}`);
        return null;
      },
      { timeoutMs, intervalMs: 25, message: () => `${this.name} to print ${re}:\n${this.out}\n${this.err.slice(-4000)}` },
    );
  }


  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.child.kill(sig);
  }

  async stop(sig: NodeJS.Signals = 'SIGTERM', timeoutMs = 40_000): Promise<number | null> {
    this.signal(sig);
    return withDeadline(this.exited, timeoutMs, `${this.name} to exit on ${sig}`).catch(() => {
      this.signal('SIGKILL');
      return this.exited;
    });
  }
}

/**
 * The worker timeout `kindling master` runs with unless told otherwise (its `--worker-timeout`
 * default): benches use it, as they measure what users run. Tests keep the harness's 3 s, which
 * makes their fault cases fast.
 */
export const BENCH_WORKER_TIMEOUT_MS = 10_000;

export interface ClusterOptions {
  readonly workers: number;
  readonly secret?: string;
  readonly workerTimeoutMs?: number;
  /** Use this `--redis` URL (e.g. a Redis Cluster's) instead of starting a redis-server. */
  readonly redisUrl?: string;
  /** Extra environment of the first master process (e.g. `KINDLING_FAILPOINT`). */
  readonly masterEnv?: NodeJS.ProcessEnv;
  /** The master's `--token` (Spark Connect and HTTP); `api()` and `url` then carry it. */
  readonly token?: string;
  /** More `kindling master` flags (e.g. TLS). */
  readonly masterArgs?: readonly string[];
  /** More `kindling worker` flags. */
  readonly workerArgs?: readonly string[];
}

export interface WorkerNode {
  readonly node: KindlingNode;
  readonly id: string;
}

/**
 * A real cluster on loopback: its own redis-server (AOF, fsync always), a `kindling master` and
 * `kindling worker` processes, on free ports. Parts can be killed, stopped, added and restarted.
 */
export class Cluster {
  master!: KindlingNode;
  port = 0;
  clusterPort = 0;
  uiPort = 0;
  readonly workers: WorkerNode[] = [];
  /** Masters started with startOtherMaster. */
  private readonly others: KindlingNode[] = [];
  private constructor(
    private readonly ownRedis: RedisServer | undefined,
    private readonly options: ClusterOptions,
  ) {}

  static async start(options: ClusterOptions): Promise<Cluster> {
    const c = new Cluster(options.redisUrl === undefined ? await RedisServer.start({ appendfsync: 'always' }) : undefined, options);
    await c.startMaster(options.masterEnv);
    for (let i = 0; i < options.workers; i++) await c.addWorker();
    await c.waitForWorkers(options.workers);
    return c;
  }

  /** The redis-server this cluster started (not there with `redisUrl`). */
  get redis(): RedisServer {
    if (!this.ownRedis) throw new Error('this cluster runs on options.redisUrl');
    return this.ownRedis;
  }

  get redisUrl(): string {
    return this.options.redisUrl ?? this.redis.url;
  }

  get secret(): string {
    return this.options.secret ?? 'test-secret';
  }

  get url(): string {
    return this.options.token ? `sc://localhost:${this.port}/;token=${this.options.token}` : `sc://localhost:${this.port}`;
  }

  /** `env`: extra environment of the master process (e.g. `KINDLING_FAILPOINT`). */
  async startMaster(env: NodeJS.ProcessEnv = {}): Promise<void> {
    const fixed = this.clusterPort > 0;
    this.master = KindlingNode.spawn('master', [
      'master',
      '--host', '127.0.0.1',
      '--port', String(fixed ? this.port : 0),
      '--cluster-port', String(fixed ? this.clusterPort : 0),
      '--ui-port', String(fixed ? this.uiPort : 0),
      '--redis', this.redisUrl,
      '--cluster-secret', this.secret,
      '--worker-timeout', String(this.options.workerTimeoutMs ?? 3000),
      '--log-level', process.env['KINDLING_TEST_LOG'] ?? 'info',
      ...(this.options.token ? ['--token', this.options.token] : []),
      ...(this.options.masterArgs ?? []),
    ], clusterProcessEnv(env));
    const m = await this.master.waitFor(/Spark Connect on sc:\/\/localhost:(\d+), cluster kindling:\/\/localhost:(\d+), HTTP http:\/\/localhost:(\d+)/);
    this.port = Number(m[1]);
    this.clusterPort = Number(m[2]);
    this.uiPort = Number(m[3]);
  }

  /** Another master on the same Redis (its own ports, no workers yet). */
  async startOtherMaster(name: string): Promise<{ node: KindlingNode; port: number; clusterPort: number; uiPort: number }> {
    const node = KindlingNode.spawn(name, [
      'master',
      '--host', '127.0.0.1',
      '--port', '0',
      '--cluster-port', '0',
      '--ui-port', '0',
      '--redis', this.redisUrl,
      '--cluster-secret', this.secret,
      '--worker-timeout', String(this.options.workerTimeoutMs ?? 3000),
      '--log-level', process.env['KINDLING_TEST_LOG'] ?? 'info',
    ], clusterProcessEnv({}));
    this.others.push(node);
    const m = await node.waitFor(/Spark Connect on sc:\/\/localhost:(\d+), cluster kindling:\/\/localhost:(\d+), HTTP http:\/\/localhost:(\d+)/);
    return { node, port: Number(m[1]), clusterPort: Number(m[2]), uiPort: Number(m[3]) };
  }

  /** A worker of this cluster's master, or of the master listening on `clusterPort`. */
  async addWorker(clusterPort = this.clusterPort): Promise<WorkerNode> {
    const node = KindlingNode.spawn(`worker-${this.workers.length}`, [
      'worker',
      '--master', `kindling://127.0.0.1:${clusterPort}`,
      '--host', '127.0.0.1',
      '--port', '0',
      '--advertise-host', '127.0.0.1',
      '--metrics-port', '0',
      '--redis', this.redisUrl,
      '--cluster-secret', this.secret,
      '--cores', '1',
      '--log-level', process.env['KINDLING_TEST_LOG'] ?? 'info',
      ...(this.options.workerArgs ?? []),
    ], clusterProcessEnv({}));
    const m = await node.waitFor(/kindling worker (\S+) on /);
    const w = { node, id: m[1] as string };
    this.workers.push(w);
    return w;
  }

  async api<T>(path: string): Promise<T> {
    const headers: Record<string, string> = this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
    const res = await fetch(`http://127.0.0.1:${this.uiPort}${path}`, { headers });
    return (await res.json()) as T;
  }

  async aliveWorkers(): Promise<string[]> {
    const ws = await this.api<{ id: string; state: string }[]>('/api/workers');
    return ws.filter((w) => w.state === 'ALIVE').map((w) => w.id);
  }

  async waitForWorkers(n: number, timeoutMs = 30_000): Promise<void> {
    let alive: string[] = [];
    await eventually(async () => (alive = await this.aliveWorkers()).length === n, {
      timeoutMs,
      intervalMs: 50,
      message: () => `${n} alive workers, have ${JSON.stringify(alive)}`,
    });
  }


  async close(): Promise<void> {
    // A profiled process writes its profile only when it exits on its own.
    const sig = (process.env['KINDLING_NODE_ARGS'] ?? '').includes('-prof') ? 'SIGTERM' : 'SIGKILL';
    await Promise.all(this.workers.map((w) => w.node.stop(sig)));
    await Promise.all(this.others.map((m) => m.stop(sig)));
    await this.master?.stop(sig);
    await this.ownRedis?.close();
  }

  /** Output of every process, for failure messages. */
  logs(): string {
    return [this.master, ...this.others, ...this.workers.map((w) => w.node)]
      .map((n) => `--- ${n.name}\n${n.stdout}\n${n.stderr.slice(-3000)}`)
      .join('\n');
  }
}
