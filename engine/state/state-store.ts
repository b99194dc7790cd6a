import type { MergeOp } from '../functions/function.js';
import type { StateKey } from './state-key.js';

/**
 * One key of aggregation state: its identity (`StateKey`: the grouping values' text split into a
 * group and a member, see state-key.ts), event time and aggregation buffer. A row a store returns
 * may be the store's own, changed in place by its next batch: read it before applying another.
 */
export interface StateRow extends StateKey {
  /** The key's event time in µs (window end, or the event-time column); null when not watermarked. */
  readonly eventTimeUs: number | null;
  readonly buffers: readonly unknown[];
  /** The decoded grouping values, when the producer has them (else `stateKeyValues` decodes them). */
  readonly keyValues?: readonly unknown[] | undefined;
}

/** What a batch emits: keys it updated (update mode), all keys (complete), evicted keys (append). */
export type StateEmit = 'updated' | 'all' | 'evicted';

/** Batch N's input to one partition's state. */
export interface StateBatch {
  readonly batchId: number;
  /** Partial aggregates of this batch, one row per key (stores copy them: the rows stay the caller's). */
  readonly rows: readonly StateRow[];
  /** How each buffer slot merges; null is the identity of every op. */
  readonly mergeOps: readonly MergeOp[];
  /** Incoming rows with event time ≤ this are dropped as late (W_{N-1}); null: no filter. */
  readonly lateBeforeUs: number | null;
  /** State rows with event time ≤ this are evicted after merging (W_N); null: no eviction. */
  readonly evictBeforeUs: number | null;
  /**
   * What to emit. Re-applying an applied batch returns its recorded output, except with `all`,
   * which returns every row held (the state is as that batch left it).
   */
  readonly emit: StateEmit;
  /**
   * Set when a sliding-window aggregation's state may be persisted by pane (`PaneStateBatch`); a
   * store that keeps (window, keys) rows ignores it. Only ever set in complete mode (no late filter,
   * no eviction) and for buffers that merge exactly in any order.
   */
  readonly panes?: PaneStateBatch;
}

/**
 * A sliding-window aggregation's batch as (pane, keys) partials: `rows` above are these partials
 * handed to each of their windows, so a store may persist the panes (a word's rows in one batch:
 * one per pane instead of one per window) and rebuild the (window, keys) rows from them. Every
 * window's buffers are the merge of its panes' (exact: the buffers merge in any order).
 */
export interface PaneStateBatch {
  /** The batch's (pane, keys) partials, one row per (pane, keys); no event time. */
  readonly rows: readonly StateRow[];
  /** The (window, keys) rows that pane rows (this batch's, or all a store holds) make, as `rows` above would be. */
  windows(paneRows: readonly StateRow[]): StateRow[];
}

export interface StateBatchResult {
  readonly rows: readonly StateRow[];
  readonly numRowsTotal: number;
  readonly numRowsUpdated: number;
  readonly numRowsRemoved: number;
  readonly numRowsDroppedByWatermark: number;
  readonly memoryUsedBytes: number;
  /** True when the batch had already been applied and its recorded output was returned. */
  readonly replayed: boolean;
  /**
   * With `panes`, from a store that keeps them: the (pane, keys) rows as this batch left them (totals,
   * not the batch's partials), those the batch changed, or every one held for emit 'all'; also when
   * replayed. Totals, so a driver that takes a replayed batch's twice counts nothing twice.
   */
  readonly paneRows?: readonly StateRow[];
}

/**
 * The aggregation state of one (query, stateful operator, partition), versioned by batch id.
 * `applyBatch(N)` is one atomic step: start from the state batch N−1 left, merge, drop late rows,
 * evict, record the emitted rows, commit. Idempotent per batch id: applying an applied batch again
 * returns the recorded output and changes nothing. Applying a batch older than the last applied one
 * is an error.
 */
export interface StateStore {
  readonly partition: number;
  /** The last applied batch id, or -1 for a new store. */
  lastAppliedBatch(): Promise<number>;
  applyBatch(batch: StateBatch): Promise<StateBatchResult>;
  /** Every row currently held (tests, UI, debugging). */
  rows(): Promise<StateRow[]>;
  close(): Promise<void>;
}

export interface StateStoreLocation {
  /** The query's checkpoint location (a directory or a Redis checkpoint name). */
  readonly checkpoint: string;
  readonly operatorId: number;
  readonly partition: number;
  /** Fencing epoch of the owner; stores that support fencing refuse writes from older epochs. */
  readonly epoch: number;
  /** The query run's fencing token (checkpoint run lease); stores that fence refuse older runs. */
  readonly run?: number;
}

/** Opens state stores by location; looked up by name (`memory`, `redis`). */
export interface StateStoreProvider {
  readonly name: string;
  open(location: StateStoreLocation): Promise<StateStore>;
  /**
   * Lets go of what this process keeps of a checkpoint's partitions beyond the durable state (the
   * query stopped); the next open of them reloads. Optional: a store that keeps nothing extra has none.
   */
  release?(checkpoint: string): void;
  close(): Promise<void>;
}

/** Merges `from` into `into` slot by slot. */
export function mergeBuffers(into: unknown[], from: readonly unknown[], ops: readonly MergeOp[]): void {
  for (let i = 0; i < ops.length; i++) into[i] = mergeValue(ops[i] as MergeOp, into[i], from[i]);
}

export function mergeValue(op: MergeOp, a: unknown, b: unknown): unknown {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  switch (op) {
    case 'sum':
      return (a as number) + (b as number);
    case 'min':
      return (b as number | string) < (a as number | string) ? b : a;
    case 'max':
      return (b as number | string) > (a as number | string) ? b : a;
    case 'union': {
      const out = new Set(a as Iterable<unknown>);
      for (const x of b as Iterable<unknown>) out.add(x);
      return out;
    }
    case 'concat':
      return [...(a as unknown[]), ...(b as unknown[])];
    case 'first':
      return a;
    case 'last':
      return b;
    case 'moments':
      return mergeMoments(a as Moments, b as Moments);
    default: {
      const never: never = op;
      throw new Error(`unknown merge op ${String(never)}`);
    }
  }
}

/** `[n, mean, m2]` of Spark's CentralMomentAgg. */
export type Moments = readonly [number, number, number];

/** Spark's merge of two central-moment buffers (Chan et al.), term for term. */
export function mergeMoments(a: Moments, b: Moments): Moments {
  const [n1, avg1, m21] = a;
  const [n2, avg2, m22] = b;
  const n = n1 + n2;
  const delta = avg2 - avg1;
  const deltaN = n === 0 ? 0 : delta / n;
  return [n, avg1 + deltaN * n2, m21 + m22 + delta * deltaN * n1 * n2];
}

/** Stable text encoding of grouping values (structs are arrays; timestamps are numbers). */
export function encodeKey(values: readonly unknown[]): string {
  return JSON.stringify(values);
}

export function decodeKey(key: string): unknown[] {
  return JSON.parse(key) as unknown[];
}
