import type { StreamingQuery } from '../client/index.js';

export interface BatchProgress {
  readonly batchId: number;
  readonly numInputRows: number;
  readonly batchDuration: number;
  readonly durationMs: Readonly<Record<string, number>>;
}

/**
 * Polls a query's progress until its batches with input add up to `rows`, and returns those
 * batches. Progress is collected by batch id across polls: `recentProgress` keeps only the last
 * 100 updates (spark.sql.streaming.numRecentProgressUpdates), fewer than a long run makes. Most
 * polls ask for `lastProgress` only: the machine the bench measures is also the one polling.
 */
export async function watchUntilProcessed(q: StreamingQuery, rows: number, pollMs: number): Promise<BatchProgress[]> {
  const seen = new Map<number, BatchProgress>();
  let processed = 0;
  let lastId = -1;
  const take = (p: BatchProgress): void => {
    lastId = Math.max(lastId, p.batchId);
    if (p.numInputRows > 0 && !seen.has(p.batchId)) {
      seen.set(p.batchId, p);
      processed += p.numInputRows;
    }
  };
  for (let poll = 1; processed < rows; poll++) {
    await new Promise((r) => setTimeout(r, pollMs));
    const before = lastId;
    const last = (await q.lastProgress()) as unknown as BatchProgress | null;
    // A batch may have finished between two polls: fill the gap from recentProgress.
    if (last && (last.batchId > before + 1 || poll % 10 === 0)) for (const p of (await q.recentProgress()) as unknown as BatchProgress[]) take(p);
    else if (last) take(last);
    const e = await q.exception();
    if (e) throw e;
  }
  return [...seen.values()].sort((a, b) => a.batchId - b.batchId);
}

/** The median batch duration (ms) of `batches`. */
export function p50BatchMs(batches: readonly BatchProgress[]): number {
  const durations = batches.map((b) => b.batchDuration).sort((a, b) => a - b);
  return durations[Math.floor(durations.length / 2)] ?? 0;
}
