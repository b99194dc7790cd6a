import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full GC before it runs the
 * next one, for Kindling's long-running processes (master, worker, local).
 *
 * V8 picks this factor itself, up to 4× when allocation is fast, and a micro-batch allocates fast:
 * split lines, exploded words, shuffle blocks and Redis arguments that die within the batch but
 * outlive a scavenge or two. So a worker whose live heap was ~80 MB ran to ~300 MB of heap (and
 * ~500 MB resident) on the Q2 bench before a mark-compact reclaimed it. At 1.5× the same run
 * peaked at 0.76 GB resident for the whole cluster instead of 1.01 GB, with no loss of throughput
 * measured (bench/spark-side-by-side.ts, 3 M words, text source, 4 partitions); 1.2× gave 0.70 GB
 * but runs a full GC more often on a large live heap (a big in-memory state), so 1.5× it is.
 */
export const HEAP_GROWING_PERCENT = 50;

const FLAG = 'heap-growing-percent';

/**
 * Sets V8's heap growing factor for this process (and its worker threads, which share V8's
 * flags), unless the operator chose one with `--heap-growing-percent` in the node options.
 * Takes effect at the next GC: V8 reads the flag whenever it recomputes the heap's limits.
 */
export function limitHeapGrowth(percent: number = HEAP_GROWING_PERCENT): void {
  const chosen = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].some((a) => a.replace(/_/g, '-').startsWith(`--${FLAG}`));
  if (chosen) return;
  setFlagsFromString(`--${FLAG}=${percent}`);
}
