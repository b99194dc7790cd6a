import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutionError } from '../errors/errors.js';
import { computeBatchChanges } from './apply-batch.js';
import { IndexedState } from './indexed-state.js';
import type {
  StateBatch,
  StateEmit,
  StateBatchResult,
  StateRow,
  StateStore,
  StateStoreLocation,
  StateStoreProvider,
} from './state-store.js';

const SNAPSHOT_EVERY = 10;
const VERSIONS_TO_RETAIN = 100;

/** What a delta file holds: the changes batch `batchId` made, and the rows it emitted. */
interface DeltaFile {
  readonly batchId: number;
  readonly upserts: readonly StateRow[];
  readonly removed: readonly string[];
  readonly result: Omit<StateBatchResult, 'replayed'>;
}

interface SnapshotFile {
  readonly batchId: number;
  readonly rows: readonly StateRow[];
  readonly result: Omit<StateBatchResult, 'replayed'> | undefined;
}

/**
 * State kept in process memory, checkpointed to `<checkpoint>/state/<op>/<partition>/` as Spark's
 * HDFS-backed store does: one `<version>.delta` per batch that changed something (version =
 * batchId + 1), a `<version>.snapshot` every few deltas. Batches that change nothing write nothing,
 * so a gap in versions means "no change".
 */
export class MemoryStateStoreProvider implements StateStoreProvider {
  readonly name = 'memory';
  private readonly stores = new Map<string, Promise<MemoryStateStore>>();

  /** `persist: false` keeps state only in memory (batch queries, tests). */
  constructor(private readonly options: { readonly persist: boolean } = { persist: true }) {}

  open(location: StateStoreLocation): Promise<StateStore> {
    const key = `${location.checkpoint}\u0000${location.operatorId}\u0000${location.partition}`;
    let store = this.stores.get(key);
    if (!store) {
      const dir =
        this.options.persist && location.checkpoint !== ''
          ? join(location.checkpoint, 'state', String(location.operatorId), String(location.partition))
          : undefined;
      store = MemoryStateStore.load(location.partition, dir);
      this.stores.set(key, store);
      store.catch(() => this.stores.delete(key));
    }
    return store;
  }

  /** Forgets the in-memory copies of one checkpoint (its files stay). */
  forget(checkpoint: string): void {
    for (const key of [...this.stores.keys()]) if (key.startsWith(`${checkpoint}\u0000`)) this.stores.delete(key);
  }

  async close(): Promise<void> {
    this.stores.clear();
  }
}

class MemoryStateStore implements StateStore {
  private deltasSinceSnapshot = 0;
  private lastEmit: StateEmit | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly partition: number,
    private readonly dir: string | undefined,
    private readonly state: IndexedState,
    private lastBatch: number,
    private lastResult: Omit<StateBatchResult, 'replayed'> | undefined,
  ) {}

  static async load(partition: number, dir: string | undefined): Promise<MemoryStateStore> {
    const state = new IndexedState();
    if (!dir) return new MemoryStateStore(partition, dir, state, -1, undefined);
    await mkdir(dir, { recursive: true });
    const files = (await readdir(dir)).filter((f) => /^\d+\.(delta|snapshot)$/.test(f));
    const version = (f: string): number => Number(f.split('.')[0]);
    const snapshots = files.filter((f) => f.endsWith('.snapshot')).sort((a, b) => version(b) - version(a));
    let lastBatch = -1;
    let lastResult: Omit<StateBatchResult, 'replayed'> | undefined;
    let from = 0;
    const snap = snapshots[0];
    if (snap) {
      const s = fromJson(await readFile(join(dir, snap), 'utf8')) as SnapshotFile;
      for (const r of s.rows) state.set(r);
      lastBatch = s.batchId;
      lastResult = s.result;
      from = version(snap);
    }
    const deltas = files
      .filter((f) => f.endsWith('.delta') && version(f) > from)
      .sort((a, b) => version(a) - version(b));
    for (const f of deltas) {
      const d = fromJson(await readFile(join(dir, f), 'utf8')) as DeltaFile;
      applyChanges(state, d.upserts, d.removed);
      lastBatch = d.batchId;
      lastResult = d.result;
    }
    const store = new MemoryStateStore(partition, dir, state, lastBatch, lastResult);
    store.deltasSinceSnapshot = deltas.length;
    return store;
  }

  lastAppliedBatch(): Promise<number> {
    return Promise.resolve(this.lastBatch);
  }

  rows(): Promise<StateRow[]> {
    return Promise.resolve([...this.state.values()]);
  }

  applyBatch(batch: StateBatch): Promise<StateBatchResult> {
    // Serialize applies on one partition: a retried task may race a slow original.
    const next = this.queue.then(() => this.applyNow(batch));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async applyNow(batch: StateBatch): Promise<StateBatchResult> {
    if (batch.batchId <= this.lastBatch) {
      if (batch.batchId === this.lastBatch && this.lastResult) {
        // The state is as that batch left it: `all` is read from it, whatever the batch emitted.
        const rows = batch.emit === 'all' ? [...this.state.values()] : this.lastResult.rows;
        return { ...this.lastResult, rows, replayed: true };
      }
      throw new ExecutionError(
        `State of partition ${this.partition} is already at batch ${this.lastBatch}; cannot apply batch ${batch.batchId}.`,
      );
    }
    const changes = computeBatchChanges(this.state, batch);
    // A key first seen in this batch may be evicted in it too: only removals of held keys shrink state.
    const total =
      this.state.size +
      changes.upserts.filter((r) => !this.state.has(r.key)).length -
      changes.removed.filter((k) => this.state.has(k)).length;
    const result: Omit<StateBatchResult, 'replayed'> = {
      rows: changes.output,
      numRowsTotal: total,
      numRowsUpdated: changes.numRowsUpdated,
      numRowsRemoved: changes.removed.length,
      numRowsDroppedByWatermark: changes.numRowsDroppedByWatermark,
      memoryUsedBytes: estimateBytes(this.state, total),
    };
    const changed = changes.upserts.length > 0 || changes.removed.length > 0 || changes.output.length > 0;
    if (this.dir && changed) {
      const delta: DeltaFile = {
        batchId: batch.batchId,
        upserts: changes.upserts.map(withoutKeyValues),
        removed: changes.removed,
        // `all` (complete mode) is replayed from the state itself: its output would repeat every row held.
        result: { ...result, rows: batch.emit === 'all' ? [] : result.rows.map(withoutKeyValues) },
      };
      await writeAtomically(join(this.dir, `${batch.batchId + 1}.delta`), toJson(delta, [delta.upserts, delta.result.rows]));
    }
    applyChanges(this.state, changes.upserts, changes.removed);
    this.lastBatch = batch.batchId;
    this.lastResult = result;
    this.lastEmit = batch.emit;
    if (this.dir && changed && ++this.deltasSinceSnapshot >= SNAPSHOT_EVERY) await this.snapshot();
    return { ...result, replayed: false };
  }

  private async snapshot(): Promise<void> {
    const dir = this.dir;
    if (!dir) return;
    const version = this.lastBatch + 1;
    const snap: SnapshotFile = {
      batchId: this.lastBatch,
      rows: [...this.state.values()].map(withoutKeyValues),
      result: this.lastResult && { ...this.lastResult, rows: this.lastEmit === 'all' ? [] : this.lastResult.rows.map(withoutKeyValues) },
    };
    await writeAtomically(join(dir, `${version}.snapshot`), toJson(snap, [snap.rows, snap.result?.rows ?? []]));
    this.deltasSinceSnapshot = 0;
    const old = (await readdir(dir)).filter((f) => {
      const m = /^(\d+)\.(delta|snapshot)$/.exec(f);
      return m !== null && Number(m[1]) < version - VERSIONS_TO_RETAIN;
    });
    await Promise.all(old.map((f) => rm(join(dir, f), { force: true })));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Files hold the encoded key only; decoded values are an in-memory cache. */
function withoutKeyValues(r: StateRow): StateRow {
  return { key: r.key, eventTimeUs: r.eventTimeUs, buffers: r.buffers };
}

function applyChanges(state: IndexedState, upserts: readonly StateRow[], removed: readonly string[]): void {
  for (const r of upserts) state.set(r);
  for (const k of removed) state.delete(k);
}

function estimateBytes(state: IndexedState, total: number): number {
  const sample = state.values().next().value as StateRow | undefined;
  const perRow = sample ? 64 + sample.key.length * 2 + sample.buffers.length * 16 : 96;
  return total * perRow;
}

/** JSON has no Infinity/NaN (a double sum can overflow): such buffers are written as `{"$num": "Infinity"}`. */
function toJson(value: unknown, rows: readonly (readonly StateRow[])[]): string {
  const special = rows.some((rs) => rs.some((r) => r.buffers.some((b) => typeof b === 'number' && !Number.isFinite(b))));
  if (!special) return JSON.stringify(value);
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v));
}

function fromJson(text: string): unknown {
  if (!text.includes('"$num"')) return JSON.parse(text);
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const n = (v as { $num?: unknown }).$num;
    return typeof n === 'string' && Object.keys(v).length === 1 ? Number(n) : v;
  });
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
