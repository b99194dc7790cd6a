import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindlingNode } from '../cluster/harness.js';
import { RedisServer } from '../support/redis-server.js';
import type { NetNamespace } from './netns.js';

const BIN = [new URL('../../bin/kindling.js', import.meta.url), new URL('../../../bin/kindling.js', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p)) as string;

export type WorkerState = 'healthy' | 'stopped' | 'partitioned' | 'leaving' | 'dead';

export interface ChaosWorker {
  readonly node: KindlingNode;
  readonly id: string;
  readonly inNamespace: boolean;
  state: WorkerState;
}

/**
 * The processes of a chaos run: redis-server (AOF, fsync always), a `kindling master` that can be
 * killed and restarted on the same ports, root-namespace workers, and one worker inside a network
 * namespace that can be partitioned from the master while it keeps its Redis link.
 */
export class ChaosCluster {
  master!: KindlingNode;
  readonly masters: KindlingNode[] = [];
  readonly workers: ChaosWorker[] = [];
  port = 0;
  clusterPort = 0;
  uiPort = 0;
  private spawned = 0;

  private constructor(
    readonly redis: RedisServer,
    readonly ns: NetNamespace,
    readonly secret: string,
    readonly workerTimeoutMs: number,
    private readonly logDir: string,
  ) {}

  /** Every process's output goes to `<logDir>/<name>.log` as it is written. */
  static async start(ns: NetNamespace, workerTimeoutMs: number, logDir: string): Promise<ChaosCluster> {
    mkdirSync(logDir, { recursive: true });
    const redis = await RedisServer.start({ appendfsync: 'always', extraBind: [ns.hostRedisIp] });
    const c = new ChaosCluster(redis, ns, `chaos-${process.pid}`, workerTimeoutMs, logDir);
    await c.startMaster();
    return c;
  }

  get url(): string {
    return `sc://127.0.0.1:${this.port}`;
  }

  /** The Redis URL as every process can reach it (the namespace's worker included). */
  get sharedRedisUrl(): string {
    return `redis://${this.ns.hostRedisIp}:${this.redis.port}`;
  }

  private logLevel(): string {
    return process.env['KINDLING_TEST_LOG'] ?? 'info';
  }

  async startMaster(): Promise<void> {
    const fixed = this.clusterPort > 0;
    const master = KindlingNode.spawn(`master-${this.masters.length}`, [
      'master',
      // All addresses: the namespace's worker reaches the cluster port over its veth link.
      '--host', '0.0.0.0',
      '--port', String(fixed ? this.port : 0),
      '--cluster-port', String(fixed ? this.clusterPort : 0),
      '--ui-port', String(fixed ? this.uiPort : 0),
      '--redis', this.redis.url,
      '--cluster-secret', this.secret,
      '--worker-timeout', String(this.workerTimeoutMs),
      '--log-level', this.logLevel(),
    ]);
    this.master = master;
    this.masters.push(master);
    this.tee(master);
    const m = await master.waitFor(/Spark Connect on sc:\/\/localhost:(\d+), cluster kindling:\/\/localhost:(\d+), HTTP http:\/\/localhost:(\d+)/);
    this.port = Number(m[1]);
    this.clusterPort = Number(m[2]);
    this.uiPort = Number(m[3]);
  }

  /** A new worker in the root namespace, or inside the network namespace. */
  async addWorker(inNamespace: boolean): Promise<ChaosWorker> {
    const name = `worker-${this.spawned++}${inNamespace ? '-ns' : ''}`;
    const host = inNamespace ? this.ns.hostClusterIp : '127.0.0.1';
    // Root workers advertise the host side of the cluster link: a local address, so root peers
    // always reach it, while the namespace's worker reaches it only while the link is up.
    const advertise = inNamespace ? this.ns.workerIp : this.ns.hostClusterIp;
    const args = [
      'worker',
      '--master', `kindling://${host}:${this.clusterPort}`,
      '--host', inNamespace ? this.ns.workerIp : '0.0.0.0',
      '--port', '0',
      '--advertise-host', advertise,
      '--metrics-port', '0',
      '--redis', inNamespace ? this.sharedRedisUrl : this.redis.url,
      '--cluster-secret', this.secret,
      '--cores', '1',
      '--log-level', this.logLevel(),
    ];
    // `ip netns exec` execs the program in place, so the child's pid is the worker's own.
    const node = inNamespace
      ? new KindlingNode(name, spawn('ip', [...this.ns.exec(), process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }))
      : KindlingNode.spawn(name, args);
    this.tee(node);
    try {
      const m = await node.waitFor(/kindling worker (\S+) on /, 20_000);
      const w: ChaosWorker = { node, id: m[1] as string, inNamespace, state: 'healthy' };
      node.child.once('exit', () => (w.state = 'dead'));
      this.workers.push(w);
      return w;
    } catch (e) {
      node.signal('SIGKILL');
      throw e;
    }
  }

  private tee(node: KindlingNode): void {
    const file = createWriteStream(join(this.logDir, `${node.name}.log`));
    node.child.stdout?.on('data', (d: Buffer) => file.write(d));
    node.child.stderr?.on('data', (d: Buffer) => file.write(d));
    node.child.once('close', () => file.end());
  }

  async api<T>(path: string): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${this.uiPort}${path}`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as T;
  }

  async aliveWorkerIds(): Promise<string[]> {
    const ws = await this.api<{ id: string; state: string }[]>('/api/workers');
    return ws.filter((w) => w.state === 'ALIVE').map((w) => w.id);
  }

  /** The master's resident set size in MB (from /proc), or 0 when it is not running. */
  masterRssMb(): number {
    const pid = this.master.child.pid;
    if (!this.master.alive || pid === undefined) return 0;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : 0;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    for (const w of this.workers) if (w.state === 'stopped') w.node.signal('SIGCONT');
    await Promise.all(this.workers.map((w) => w.node.stop('SIGKILL')));
    await this.master.stop('SIGKILL');
    await this.redis.close();
  }
}
