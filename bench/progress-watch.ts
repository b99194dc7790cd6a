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
 * 100 updates (spark.sql.streaming.numRecentProgressUpdates), fewer than a long run makes.
 */
export async function watchUntilProcessed(q: StreamingQuery, rows: number, pollMs: number): Promise<BatchProgress[]> {
  const seen = new Map<number, BatchProgress>();
  let processed = 0;
  while (processed < rows) {
    await new Promise((r) => setTimeout(r, pollMs));
    for (const p of (await q.recentProgress()) as unknown as BatchProgress[]) {
      if (p.numInputRows > 0 && !seen.has(p.batchId)) {
        seen.set(p.batchId, p);
        processed += p.numInputRows;
      }
    }
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
