import { createServer, type Socket } from 'node:net';
import { pino } from 'pino';
import { SparkSession } from '../../client/index.js';
import { splitPayload } from '../../engine/connectors/split.js';
import { encodeMapTask, encodeReduceTask, encodeShuffleBlock, type EncodedShuffleBlock } from '../../engine/exec/task-codec.js';
import type { LocalWorker, LocalWorkerPool } from '../../master/execution/local-workers.js';
import { startConnectServer } from '../../master/connect/server.js';
import { localRuntime } from '../support/local-runtime.js';
import { startWordCounts } from './word-count.js';
import { eventually } from '../support/eventually.js';

/** Real task specs and a shuffle block, as the scheduler sends them for the seed word count. */
export interface TaskTemplates {
  readonly map: { readonly specJson: string; readonly payload: Uint8Array };
  readonly reduce: string;
  readonly shuffle: EncodedShuffleBlock;
}

/**
 * Runs the seed word count in-process (same-thread workers) over a few socket lines and keeps the
 * first map task that read lines, a reduce task and a shuffle block with rows: templates for
 * messages that are valid in every detail until a test damages them.
 */
export async function captureTaskTemplates(): Promise<TaskTemplates> {
  const local = localRuntime({ workers: 2, conf: { 'spark.sql.shuffle.partitions': '4' } });
  const pool = local.cluster.pool as LocalWorkerPool;
  let map: TaskTemplates['map'] | undefined;
  let reduce: string | undefined;
  let shuffle: EncodedShuffleBlock | undefined;
  for (const w of pool.live() as LocalWorker[]) {
    const runMap = w.runMap;
    const runReduce = w.runReduce;
    w.runMap = (task) => {
      if (!map && splitPayload(task.split).length > 0) map = { specJson: encodeMapTask(task).specJson, payload: splitPayload(task.split) };
      return runMap(task);
    };
    w.runReduce = (task) => {
      reduce ??= encodeReduceTask(task);
      return runReduce(task);
    };
  }
  const push = pool.push.bind(pool);
  pool.push = (workerId, block) => {
    if (!shuffle && [...block.partitions.values()].some((b) => b.numRows > 0)) shuffle = encodeShuffleBlock(block);
    return push(workerId, block);
  };

  const sockets = new Set<Socket>();
  const lines = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.write('cat dog cat\ndog bird\n');
  });
  await new Promise<void>((r) => lines.listen(0, '127.0.0.1', () => r()));
  const server = await startConnectServer({ runtime: local.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  const spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).create();
  try {
    const q = await startWordCounts(spark, (lines.address() as { port: number }).port, 'fuzz_templates');
    await eventually(async () => map !== undefined && reduce !== undefined && shuffle !== undefined, { timeoutMs: 30_000, message: 'a map task, a reduce task and a shuffle block' });
    await q.stop();
  } finally {
    await spark.stop();
    await server.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => lines.close(() => r()));
    await local.close();
  }
  return { map: map as TaskTemplates['map'], reduce: reduce as string, shuffle: shuffle as EncodedShuffleBlock };
}
