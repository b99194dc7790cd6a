import { pino } from 'pino';
import { BENCH_WORKER_TIMEOUT_MS, Cluster, KindlingNode } from '../../test/cluster/harness.js';
import { startSparkConnect } from '../../test/spark/spark-server.js';

export type EngineName = 'spark' | 'local' | 'cluster';

/** A server under test, started for one block of runs with one `spark.sql.shuffle.partitions`. */
export interface EngineServer {
  readonly label: string;
  readonly url: string;
  readonly version?: string;
  stop(): Promise<void>;
}

/**
 * Each engine as a user runs it, in processes of its own so their memory can be measured apart
 * from the bench: Spark Connect on local[2]; `kindling local` with 2 worker threads; a cluster of
 * redis-server (AOF, fsync always), a master and 2 worker processes.
 */
export async function startEngine(name: EngineName, partitions: string): Promise<EngineServer> {
  switch (name) {
    case 'spark': {
      const s = await startSparkConnect({ 'spark.master': 'local[2]', 'spark.sql.shuffle.partitions': partitions, 'spark.driver.memory': '2g' });
      return { label: `Spark ${s.sparkVersion} local[2]`, url: s.url, version: s.sparkVersion, stop: () => s.stop() };
    }
    case 'local': {
      const node = KindlingNode.spawn('local', ['local', '--host', '127.0.0.1', '--port', '0', '--workers', '2', '--log-level', 'warn']);
      const m = await node.waitFor(/Spark Connect on sc:\/\/localhost:(\d+)/);
      return { label: 'Kindling local (2 worker threads)', url: `sc://127.0.0.1:${m[1]}`, stop: async () => void (await node.stop()) };
    }
    case 'cluster': {
      process.env['KINDLING_TEST_LOG'] ??= 'warn';
      const cluster = await Cluster.start({ workers: 2, workerTimeoutMs: BENCH_WORKER_TIMEOUT_MS });
      return { label: 'Kindling cluster (Redis AOF always, 2 workers)', url: cluster.url, stop: () => cluster.close() };
    }
    default: {
      const never: never = name;
      throw new Error(`unknown engine ${String(never)}`);
    }
  }
}

export function engineNames(text: string): EngineName[] {
  const names = text.split(',').filter(Boolean);
  for (const n of names) if (n !== 'spark' && n !== 'local' && n !== 'cluster') throw new Error(`KINDLING_BENCH_ENGINES: unknown engine ${n} (spark, local, cluster)`);
  return names as EngineName[];
}

export const quietLog = pino({ level: 'warn' }, pino.destination(2));
