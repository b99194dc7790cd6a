import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutionError } from '../errors/errors.js';
import { applyBatchInPlace } from './apply-batch.js';
import { appendToSegment, parseSegment, SEGMENT_SUFFIX, segmentRecord } from './delta-segment.js';
import { IndexedState } from './indexed-state.js';
import { formatStateFile, parseStateFile, type StateFileContent } from './state-file.js';
import { stateKeyText } from './state-key.js';
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


/**
 * State kept in process memory, checkpointed to `<checkpoint>/state/<op>/<partition>/` as Spark's
 * HDFS-backed store does: a delta per batch that changed something (version = batchId + 1), a
 * `<version>.snapshot` every few deltas. Batches that change nothing write nothing, so a gap in
 * versions means "no change". Deltas are appended to a segment file per run between snapshots
 * (`<first version>.deltas`, `delta-segment.ts`); a checkpoint written before that holds a
 * `<version>.delta` file per delta, still read (both kinds are merged by version).
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

/** The segment deltas are appended to: its path and how many good bytes it holds. */
interface OpenSegment {
  readonly path: string;
  size: number;
}

class MemoryStateStore implements StateStore {
  private deltasSinceSnapshot = 0;
  private segment: OpenSegment | undefined;
  private lastEmit: StateEmit | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly partition: number,
    private readonly dir: string | undefined,
    private readonly state: IndexedState,
    private lastBatch: number,
    private lastResult: Omit<StateBatchResult, 'replayed'> | undefined,
  ) {}

  /**
   * Synchronous file calls: a reduce task opens every partition it owns (200 by default) on its
   * first batch, and on a worker's own thread a directory call is cheaper than a round trip through
   * the thread pool that the driver's checkpoint writes wait in too.
   */
  static load(partition: number, dir: string | undefined): Promise<MemoryStateStore> {
    try {
      return Promise.resolve(MemoryStateStore.loadNow(partition, dir));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  private static loadNow(partition: number, dir: string | undefined): MemoryStateStore {
    const state = new IndexedState();
    if (!dir) return new MemoryStateStore(partition, dir, state, -1, undefined);
    mkdirSync(dir, { recursive: true });
    const files = readdirSync(dir).filter((f) => /^\d+\.(delta|deltas|snapshot)$/.test(f));
    const version = (f: string): number => Number(f.split('.')[0]);
    const snapshots = files.filter((f) => f.endsWith('.snapshot')).sort((a, b) => version(b) - version(a));
    let lastBatch = -1;
    let lastResult: Omit<StateBatchResult, 'replayed'> | undefined;
    let from = 0;
    const snap = snapshots[0];
    if (snap) {
      const s = parseStateFile(readFileSync(join(dir, snap), 'utf8'));
      applyChanges(state, s);
      lastBatch = s.batchId;
      lastResult = s.result;
      from = version(snap);
    }
    const deltas: { version: number; text: () => string }[] = files
      .filter((f) => f.endsWith('.delta') && version(f) > from)
      .map((f) => ({ version: version(f), text: () => readFileSync(join(dir, f), 'utf8') }));
    // Segments started after the snapshot; the last one is where the next delta goes.
    let segment: OpenSegment | undefined;
    for (const f of files.filter((f) => f.endsWith(SEGMENT_SUFFIX)).sort((a, b) => version(a) - version(b))) {
      const path = join(dir, f);
      const { records, goodLength } = parseSegment(readFileSync(path));
      for (const r of records) if (r.version > from) deltas.push({ version: r.version, text: () => r.text });
      if (version(f) > from) segment = { path, size: goodLength };
    }
    deltas.sort((a, b) => a.version - b.version);
    for (const delta of deltas) {
      const d = parseStateFile(delta.text());
      applyChanges(state, d);
      lastBatch = d.batchId;
      lastResult = d.result;
    }
    const store = new MemoryStateStore(partition, dir, state, lastBatch, lastResult);
    store.deltasSinceSnapshot = deltas.length;
    store.segment = segment;
    return store;
  }

  lastAppliedBatch(): Promise<number> {
    return Promise.resolve(this.lastBatch);
  }

  /** Copies: the held rows change in place with later batches. */
  rows(): Promise<StateRow[]> {
    return Promise.resolve([...this.state.values()].map((e) => ({ group: e.group, member: e.member, eventTimeUs: e.eventTimeUs, buffers: [...e.buffers], keyValues: e.keyValues })));
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
    const applied = applyBatchInPlace(this.state, batch);
    const total = applied.numRowsTotal;
    const result: Omit<StateBatchResult, 'replayed'> = {
      rows: applied.output,
      numRowsTotal: total,
      numRowsUpdated: applied.numRowsUpdated,
      numRowsRemoved: applied.removed.length,
      numRowsDroppedByWatermark: applied.numRowsDroppedByWatermark,
      memoryUsedBytes: estimateBytes(this.state, total),
    };
    const changed = applied.upserts.length > 0 || applied.removed.length > 0 || applied.output.length > 0;
    if (this.dir && changed) {
      try {
        const delta = formatStateFile({
          batchId: batch.batchId,
          rows: applied.upserts,
          removed: applied.removed,
          // `all` (complete mode) is replayed from the state itself: its output would repeat every row held.
          result: { ...result, rows: batch.emit === 'all' ? [] : result.rows },
        });
        this.appendDelta(batch.batchId + 1, delta);
      } catch (e) {
        // Not applied: the state goes back to what the last applied batch left (a retry merges again).
        applied.undo();
        throw e;
      }
    }
    this.lastBatch = batch.batchId;
    this.lastResult = result;
    this.lastEmit = batch.emit;
    if (this.dir && changed && ++this.deltasSinceSnapshot >= SNAPSHOT_EVERY) await this.snapshot();
    return { ...result, replayed: false };
  }

  /** Appends to the open segment, or starts one named by this version (after a snapshot, or the first delta). */
  private appendDelta(version: number, text: string): void {
    const record = segmentRecord(version, text);
    const fresh = (): OpenSegment => ({ path: join(this.dir as string, `${version}${SEGMENT_SUFFIX}`), size: 0 });
    let segment = this.segment ?? fresh();
    let size = appendToSegment(segment.path, segment.size, record);
    if (size === undefined) {
      // The open segment lost bytes it had (its file is gone or was cut): this delta starts a new one.
      segment = fresh();
      size = appendToSegment(segment.path, 0, record) as number;
    }
    segment.size = size;
    this.segment = segment;
  }

  private async snapshot(): Promise<void> {
    const dir = this.dir;
    if (!dir) return;
    const version = this.lastBatch + 1;
    const snap = formatStateFile({
      batchId: this.lastBatch,
      rows: [...this.state.values()],
      removed: [],
      result: this.lastResult && { ...this.lastResult, rows: this.lastEmit === 'all' ? [] : this.lastResult.rows },
    });
    await writeAtomically(join(dir, `${version}.snapshot`), snap);
    this.deltasSinceSnapshot = 0;
    // The next delta starts a segment of its own; every segment so far holds versions up to this one.
    this.segment = undefined;
    const old = (await readdir(dir)).filter((f) => {
      const m = /^(\d+)\.(delta|deltas|snapshot)$/.exec(f);
      return m !== null && Number(m[1]) < version - VERSIONS_TO_RETAIN;
    });
    await Promise.all(old.map((f) => rm(join(dir, f), { force: true })));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function applyChanges(state: IndexedState, file: StateFileContent): void {
  // Rows parsed from a file are this store's to keep.
  for (const r of file.rows) state.put(r, r.eventTimeUs, r.buffers as unknown[], r.keyValues);
  for (const k of file.removed) state.deleteKey(k);
}

function estimateBytes(state: IndexedState, total: number): number {
  const sample = state.values().next().value as StateRow | undefined;
  const perRow = sample ? 64 + stateKeyText(sample).length * 2 + sample.buffers.length * 16 : 96;
  return total * perRow;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
