import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisServer } from './redis-server.js';

const run = promisify(execFile);

/**
 * A real Redis Cluster for tests: `masters` redis-server processes started with
 * `--cluster-enabled yes`, each with `replicasPerMaster` replicas, joined by
 * `redis-cli --cluster create`. A master can be killed (-9) so its replica takes over.
 */
export class RedisClusterServers {
  private constructor(readonly nodes: RedisServer[]) {}

  static async start(masters = 3, replicasPerMaster = 1, nodeTimeoutMs = 1500): Promise<RedisClusterServers> {
    const nodes = await Promise.all(
      Array.from({ length: masters * (1 + replicasPerMaster) }, () =>
        RedisServer.start({
          appendfsync: false,
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(nodeTimeoutMs)],
        }),
      ),
    );
    const c = new RedisClusterServers(nodes);
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes']);
    await c.waitHealthy(masters, masters * replicasPerMaster);
    return c;
  }

  /** A `redis-cluster://` URL naming the first three nodes as seeds. */
  url(query = ''): string {
    return `redis-cluster://${this.nodes
      .slice(0, 3)
      .map((n) => `127.0.0.1:${n.port}`)
      .join(',')}${query}`;
  }

  /** CLUSTER NODES as seen from a live node: each node's port, role and whether it is failed. */
  async view(): Promise<{ port: number; master: boolean; failed: boolean; slots: boolean }[]> {
    for (const n of this.nodes) {
      const out = await run('redis-cli', ['-p', String(n.port), 'cluster', 'nodes']).catch(() => undefined);
      if (!out) continue;
      return out.stdout
        .trim()
        .split('\n')
        .map((line) => {
          const f = line.split(' ');
          return {
            port: Number(/:(\d+)@/.exec(f[1] ?? '')?.[1]),
            master: (f[2] ?? '').includes('master'),
            failed: /fail/.test(f[2] ?? '') || f[7] === 'disconnected',
            slots: f.length > 8,
          };
        });
    }
    throw new Error('no Redis Cluster node answers');
  }

  /** The port of the master serving `key` (asked of a live node). */
  async masterOf(key: string): Promise<number> {
    for (const n of this.nodes) {
      const r = new Redis(n.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await r.connect();
        const slot = Number(await r.call('CLUSTER', 'KEYSLOT', key));
        const ranges = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
        for (const [lo, hi, [, port]] of ranges) if (slot >= lo && slot <= hi) return port;
      } catch {
        continue;
      } finally {
        r.disconnect();
      }
    }
    throw new Error(`no live node knows the master of ${key}`);
  }

  /** Waits until the cluster is ok with `masters` masters holding slots and `replicas` live replicas. */
  async waitHealthy(masters: number, replicas: number, timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      const view = await this.view().catch(() => []);
      const ok = await Promise.all(
        this.nodes.map(async (n) => (await run('redis-cli', ['-p', String(n.port), 'cluster', 'info']).catch(() => ({ stdout: '' }))).stdout.includes('cluster_state:ok')),
      );
      const live = view.filter((v) => !v.failed);
      // A replica counts once its first sync is done: before that, a write waiting for a replica (WAIT) gets no acknowledgement.
      const synced = await Promise.all(
        live
          .filter((v) => !v.master)
          .map(async (v) => (await run('redis-cli', ['-p', String(v.port), 'info', 'replication']).catch(() => ({ stdout: '' }))).stdout.includes('master_link_status:up')),
      );
      if (
        live.filter((v) => v.master && v.slots).length === masters &&
        synced.filter(Boolean).length >= replicas &&
        ok.filter(Boolean).length >= masters + replicas
      ) {
        return;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`Redis Cluster not healthy: ${JSON.stringify(view)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** kill -9 of the node on `port`. */
  async kill(port: number): Promise<void> {
    await this.nodes.find((n) => n.port === port)?.kill();
  }

  /** Starts the node on `port` again on its data (it rejoins, as a replica if it was failed over). */
  async restart(port: number): Promise<void> {
    await this.nodes.find((n) => n.port === port)?.launch();
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.close()));
  }
}
