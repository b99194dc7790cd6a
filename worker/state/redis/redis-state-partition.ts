import { ConcurrentModificationError, ExecutionError, InternalError, NotSupportedError } from '../../../engine/errors/errors.js';
import { applyBatchInPlace, type AppliedBatch } from '../../../engine/state/apply-batch.js';
import { IndexedState, type StateEntry } from '../../../engine/state/indexed-state.js';
import { stateKeyFromText, stateKeyText, WHOLE_KEY } from '../../../engine/state/state-key.js';
import type { PaneStateBatch, StateBatch, StateBatchResult, StateRow, StateStore, StateStoreLocation } from '../../../engine/state/state-store.js';
import { redisCall, replicated, type RedisClient } from '../../../infra/redis/call.js';
import { StateKeys } from '../../../infra/redis/keys.js';
import { LuaScript } from '../../../infra/redis/lua-script.js';
import { asStored, decodePayload, decodeRowValue, decodeValue, encodeRowValue, payloadHead } from './codec.js';
import { PackedRowsWriter } from './packed-rows.js';
import type { PartitionCopies, PartitionCopy } from './partition-copies.js';
import type { StateStoreLogger } from './redis-state-store.js';

const APPLY_BATCH = new LuaScript('apply-batch');

/** How often one apply may find the partition changed under it (another writer) and start over. */
const MAX_CONFLICTS = 3;

/** Estimated bytes Redis spends per row beyond its key (held once) and value. */
const ROW_OVERHEAD = 96;

/** One partition's state; an apply is one Redis round trip once the partition's copy is loaded. */
export class RedisStateStore implements StateStore {
  readonly partition: number;
  private readonly keys: readonly [rows: string, meta: string, output: string];
  /** The script's keys with state kept by pane: the pane rows instead of the window rows. */
  private readonly paneKeys: readonly [panes: string, meta: string, output: string];
  private readonly id: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly location: StateStoreLocation,
    private readonly log: StateStoreLogger,
    private readonly copies: PartitionCopies,
  ) {
    const { checkpoint, operatorId: op, partition } = location;
    this.partition = partition;
    this.keys = [StateKeys.rows(checkpoint, op, partition), StateKeys.meta(checkpoint, op, partition), StateKeys.output(checkpoint, op, partition)];
    this.paneKeys = [StateKeys.panes(checkpoint, op, partition), this.keys[1], this.keys[2]];
    this.id = this.keys[0];
  }

  async lastAppliedBatch(): Promise<number> {
    const last = await this.call('reading the last applied batch', () => this.redis.hget(this.keys[1], 'lastBatch'));
    return last === null ? -1 : Number(last);
  }

  applyBatch(batch: StateBatch): Promise<StateBatchResult> {
    if (!Number.isSafeInteger(batch.batchId) || batch.batchId < 0) return Promise.reject(new InternalError(`batch id must be a non-negative integer, got ${batch.batchId}`));
    if (batch.mergeOps.includes('union')) {
      return Promise.reject(new NotSupportedError('Distinct aggregates (merge op union) cannot be kept in a Redis state store.'));
    }
    const unsupported = batch.mergeOps.find((op) => op !== 'sum' && op !== 'min' && op !== 'max');
    if (unsupported !== undefined) {
      return Promise.reject(new NotSupportedError(`Aggregates whose buffers merge by '${unsupported}' (collect_list, first, stddev, ...) cannot be kept in a Redis state store.`));
    }
    for (const row of batch.rows) {
      // Keys go into the recorded output as they are: a whole key text must be encodeKey's JSON array.
      if (row.member === WHOLE_KEY && (row.group.charCodeAt(0) !== 91 || row.group.charCodeAt(row.group.length - 1) !== 93)) {
        return Promise.reject(new InternalError(`state key ${row.group} is not an encoded grouping key (encodeKey)`));
      }
    }
    if (batch.panes && (batch.lateBeforeUs !== null || batch.evictBeforeUs !== null)) {
      return Promise.reject(new InternalError('state kept by pane has no late filter or eviction (complete mode only)'));
    }
    const stored: StateBatch = { ...batch, rows: batch.rows.map(asStored) };
    return this.copies.serialize(this.id, () => (stored.panes ? this.applyByPane(stored, stored.panes) : this.applyNow(stored)));
  }

  private async applyNow(batch: StateBatch): Promise<StateBatchResult> {
    for (let conflicts = 0; ; conflicts++) {
      let copy = this.copies.get(this.id) ?? (await this.load());
      if (copy.panes) {
        // Held by pane (cannot happen within one checkpoint: its conf freezes the layout); reload to find out.
        this.copies.forget(this.id);
        copy = await this.load();
      }
      // Merged into the copy in place: any outcome but APPLIED drops the copy (the next apply reloads it).
      let applied: AppliedBatch;
      let args: EncodedApply;
      try {
        // Never undone: a failed apply drops the copy (see above), so no undo log is kept.
        applied = applyBatchInPlace(copy.state, batch, 'none');
        args = this.encode(batch, copy, applied);
      } catch (e) {
        this.copies.forget(this.id);
        throw e;
      }
      const [status, detail, replayedRows] = await this.runApply(batch.batchId, this.keys, args.argv);
      if (status === 'APPLIED') {
        this.commit(copy, applied, args);
        return { ...args.result, replayed: false };
      }
      this.copies.forget(this.id);
      if (status === 'REPLAYED') {
        const { batchId, result } = decodePayload(detail, true);
        if (batchId !== batch.batchId) throw new InternalError(`state partition ${this.partition} returned the output of batch ${batchId} for batch ${batch.batchId}`);
        if (batch.emit !== 'all') return result;
        const rows: StateRow[] = [];
        const flat = replayedRows ?? [];
        for (let i = 0; i + 1 < flat.length; i += 2) rows.push(decodeRowValue(flat[i] as string, flat[i + 1] as string));
        return { ...result, rows };
      }
      if (status === 'CONFLICT' && conflicts + 1 < MAX_CONFLICTS) continue;
      return this.refused(batch, status, detail);
    }
  }

  /** Throws for a reply that refused the write (CONFLICT after the last retry, FENCED, FENCED_RUN, STALE). */
  /**
   * One guarded apply script and, once it wrote (or found the batch written), the wait for its
   * replicas. Any failure drops the copy: whether the script ran is unknown, so the next apply
   * reloads (and a retry of this one is answered by the batch-id guard).
   */
  private async runApply(batchId: number, keys: readonly string[], argv: readonly (string | Buffer)[]): Promise<[string, string, string[] | undefined]> {
    try {
      const reply = (await this.call(`applying batch ${batchId}`, () => APPLY_BATCH.run(this.redis, keys, argv))) as [string, string, string[] | undefined];
      if (reply[0] === 'APPLIED' || reply[0] === 'REPLAYED') await replicated(this.redis, keys[0] as string, `replicating batch ${batchId} of state partition ${this.partition}`);
      return reply;
    } catch (e) {
      this.copies.forget(this.id);
      throw e;
    }
  }

  private refused(batch: StateBatch, status: string, detail: string): never {
    switch (status) {
      case 'CONFLICT':
        throw new ExecutionError(
          `State partition ${this.partition} of operator ${this.location.operatorId} in checkpoint ${this.location.checkpoint} kept changing ` +
            `while batch ${batch.batchId} was applied (another writer); not applied.`,
        );
      case 'FENCED':
        this.log.warn({ component: 'redis-state', ...this.location, batchId: batch.batchId, newerEpoch: Number(detail) }, 'stale owner fenced off');
        throw new ExecutionError(
          `State partition ${this.partition} of operator ${this.location.operatorId} in checkpoint ${this.location.checkpoint} moved to a newer owner ` +
            `(epoch ${detail}, this task has epoch ${this.location.epoch}); batch ${batch.batchId} was not applied here.`,
        );
      case 'FENCED_RUN':
        throw new ConcurrentModificationError(
          `State partition ${this.partition} of checkpoint ${this.location.checkpoint} belongs to the newer run ${detail} of the query ` +
            `(this task is of run ${this.location.run ?? '?'}); batch ${batch.batchId} was not applied.`,
        );
      case 'STALE':
        throw new ExecutionError(`State of partition ${this.partition} is already at batch ${detail}; cannot apply batch ${batch.batchId}.`);
      default:
        throw new InternalError(`unexpected reply from the state script: ${String(status)}`);
    }
  }

  /**
   * `applyNow` for state kept by pane: the window rows are merged into the copy's windows (they are
   * the output), the pane rows into its panes, and only the changed panes are written (a word's
   * rows in a batch: one per pane, not one per window). The recorded output is those pane rows
   * ('='); a replay makes the updated windows again from them and every pane Redis holds (the
   * state as the batch left it: complete mode never evicts).
   */
  private async applyByPane(batch: StateBatch, panes: PaneStateBatch): Promise<StateBatchResult> {
    const paneBatch: StateBatch = { ...batch, rows: panes.rows.map(asStored), emit: 'updated' };
    for (let conflicts = 0; ; conflicts++) {
      let copy = this.copies.get(this.id);
      if (!copy?.panes) {
        this.copies.forget(this.id);
        copy = await this.load(panes);
      }
      const paneState = copy.panes as IndexedState;
      let paneApplied: AppliedBatch;
      let args: EncodedApply;
      try {
        const applied = applyBatchInPlace(copy.state, batch, 'none');
        paneApplied = applyBatchInPlace(paneState, paneBatch, 'none');
        const encoded = this.encode(paneBatch, copy, paneApplied);
        // The counts are of windows (what the aggregation holds and emits); Redis holds their panes.
        const result = { ...encoded.result, rows: applied.output, numRowsTotal: applied.numRowsTotal, numRowsUpdated: applied.numRowsUpdated };
        const argv = [...encoded.argv];
        // Emit 'all' for the script: a replay needs every pane back to make the windows again.
        argv[4] = 'all';
        argv[6] = payloadHead(batch.batchId, result);
        argv[9] = '=';
        args = { ...encoded, argv, result };
      } catch (e) {
        this.copies.forget(this.id);
        throw e;
      }
      const [status, detail, replayedRows] = await this.runApply(batch.batchId, this.paneKeys, args.argv);
      if (status === 'APPLIED') {
        this.commit(copy, paneApplied, args);
        // The changed panes' totals (the entries themselves: read before the next batch changes them).
        const paneRows = batch.emit === 'all' ? [...paneState.values()] : paneApplied.output;
        return { ...args.result, replayed: false, paneRows };
      }
      this.copies.forget(this.id);
      if (status === 'REPLAYED') return this.replayByPane(batch, panes, detail, replayedRows ?? []);
      if (status === 'CONFLICT' && conflicts + 1 < MAX_CONFLICTS) continue;
      return this.refused(batch, status, detail);
    }
  }

  /** A replayed batch's output, from its recorded pane rows and every pane held (`flat`: key, value, ...). */
  private replayByPane(batch: StateBatch, panes: PaneStateBatch, recorded: string, flat: readonly string[]): StateBatchResult {
    const { batchId, result } = decodePayload(recorded, true);
    if (batchId !== batch.batchId) throw new InternalError(`state partition ${this.partition} returned the output of batch ${batchId} for batch ${batch.batchId}`);
    const held: StateRow[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) held.push(decodeRowValue(flat[i] as string, flat[i + 1] as string));
    const windows = panes.windows(held);
    if (batch.emit === 'all') return { ...result, rows: windows, paneRows: held };
    // The windows of the batch's panes, with the buffers all their panes give them; the batch's
    // panes as it left them (Redis holds no later batch: it would have answered STALE).
    const updated = new Set(panes.windows(result.rows).map(stateKeyText));
    const changed = new Set(result.rows.map(stateKeyText));
    return { ...result, rows: windows.filter((w) => updated.has(stateKeyText(w))), paneRows: held.filter((p) => changed.has(stateKeyText(p))) };
  }

  /**
   * Reads the partition and its version in one transaction, and keeps it as this process's copy:
   * its (window, keys) rows, or with `panes` its (pane, keys) rows and the windows they make. The
   * other layout's hash must not exist (a checkpoint's conf freezes which one its state uses).
   */
  private async load(panes?: PaneStateBatch): Promise<PartitionCopy> {
    const [held, other] = panes ? [this.paneKeys[0], this.keys[0]] : [this.keys[0], this.paneKeys[0]];
    const replies = await this.call('loading the state', () => this.redis.multi().hmget(this.keys[1], 'version', 'bytes').hgetall(held).exists(other).exec());
    const [metaReply, rowsReply, otherReply] = replies ?? [];
    const failed = metaReply?.[0] ?? rowsReply?.[0] ?? otherReply?.[0];
    if (failed || !metaReply || !rowsReply || !otherReply) {
      throw new ExecutionError(`Redis failed while loading the state of partition ${this.partition}: ${failed?.message ?? 'transaction aborted'}`);
    }
    if (Number(otherReply[1]) > 0) {
      throw new NotSupportedError(
        `State partition ${this.partition} in checkpoint ${this.location.checkpoint} is kept ${panes ? 'by window' : 'by pane (complete mode)'}; ` +
          `this query would keep it ${panes ? 'by pane' : 'by window'}. Run it as it started (same output mode), or with a new checkpoint.`,
      );
    }
    const [version, bytes] = metaReply[1] as [string | null, string | null];
    const state = new IndexedState();
    const paneState = panes ? new IndexedState() : undefined;
    const rows: StateRow[] = [];
    for (const [key, text] of Object.entries(rowsReply[1] as Record<string, string>)) {
      const { eventTimeUs, buffers } = decodeValue(text);
      const id = stateKeyFromText(key);
      (paneState ?? state).put(id, eventTimeUs, buffers).storedLength = text.length;
      if (paneState) rows.push({ ...id, eventTimeUs, buffers });
    }
    // The windows the panes make, as held before any batch merged into them (not stored themselves).
    if (panes) for (const w of panes.windows(rows)) state.put(w, w.eventTimeUs, [...w.buffers]);
    const copy: PartitionCopy = { state, ...(paneState ? { panes: paneState } : {}), version: version ?? '', bytes: Number(bytes ?? 0) };
    this.copies.keep(this.id, copy);
    return copy;
  }

  /** The script's arguments for `applied`, and the result the batch returns if they are written. */
  private encode(batch: StateBatch, copy: PartitionCopy, applied: AppliedBatch): EncodedApply {
    const packed = new PackedRowsWriter(applied.upserts.length);
    const lengths: number[] = new Array<number>(applied.upserts.length);
    let bytes = copy.bytes;
    for (let i = 0; i < applied.upserts.length; i++) {
      const e = applied.upserts[i] as StateEntry;
      packed.add(e, e.eventTimeUs, e.buffers, batch.mergeOps);
      const valueLength = packed.valueLength;
      lengths[i] = valueLength;
      // storedLength is what Redis holds (0: nothing yet); it changes only in `commit`.
      bytes += e.storedLength === 0 ? valueLength + packed.keyLength + ROW_OVERHEAD : valueLength - e.storedLength;
    }
    const removed: string[] = [];
    for (const e of applied.removed) {
      const key = stateKeyText(e);
      removed.push(key);
      if (e.storedLength !== 0) bytes -= e.storedLength + key.length + ROW_OVERHEAD;
    }
    bytes = Math.max(0, bytes);
    const result: Omit<StateBatchResult, 'replayed'> = {
      rows: applied.output,
      numRowsTotal: applied.numRowsTotal,
      numRowsUpdated: applied.numRowsUpdated,
      numRowsRemoved: applied.removed.length,
      numRowsDroppedByWatermark: applied.numRowsDroppedByWatermark,
      memoryUsedBytes: bytes,
    };
    const packedUpserts = packed.finish();
    let recordedRows: string;
    if (batch.emit === 'updated' && applied.removed.length === 0) {
      // Nothing evicted: the updated rows are exactly the upserts, already packed.
      recordedRows = '=';
    } else if (batch.emit === 'all') {
      recordedRows = '[]';
    } else {
      const flat: string[] = [];
      for (const r of applied.output) flat.push(stateKeyText(r), encodeRowValue(r.eventTimeUs, r.buffers, batch.mergeOps));
      recordedRows = JSON.stringify(flat);
    }
    const version = this.copies.nextVersion();
    const argv: (string | Buffer)[] = [
      String(batch.batchId),
      String(this.location.epoch),
      copy.version,
      version,
      batch.emit,
      String(bytes),
      payloadHead(batch.batchId, result),
      packedUpserts,
      JSON.stringify(removed),
      recordedRows,
      this.location.run === undefined ? '' : String(this.location.run),
    ];
    return { argv, result, version, bytes, lengths };
  }

  /** Brings the copy's bookkeeping to what the script just wrote (its rows are merged already). */
  private commit(copy: PartitionCopy, applied: AppliedBatch, written: EncodedApply): void {
    applied.upserts.forEach((e, i) => {
      e.storedLength = written.lengths[i] as number;
    });
    for (const e of applied.removed) e.storedLength = 0;
    copy.version = written.version;
    copy.bytes = written.bytes;
    this.copies.resized(this.id, copy);
  }

  /**
   * Pages through the rows with HSCAN (no long block of Redis); not a snapshot if batches run
   * meanwhile. With state kept by pane these are the (pane, keys) rows Redis holds.
   */
  async rows(): Promise<StateRow[]> {
    const found = new Map<string, StateRow>();
    for (const key of [this.keys[0], this.paneKeys[0]]) {
      let cursor = '0';
      do {
        const [next, flat] = await this.call('listing state rows', () => this.redis.hscan(key, cursor, 'COUNT', 1000));
        for (let i = 0; i + 1 < flat.length; i += 2) found.set(flat[i] as string, decodeRowValue(flat[i] as string, flat[i + 1] as string));
        cursor = next;
      } while (cursor !== '0');
    }
    return [...found.values()];
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private call<T>(what: string, step: () => Promise<T>): Promise<T> {
    return redisCall(`${what} of state partition ${this.partition} (checkpoint ${this.location.checkpoint})`, step);
  }
}

interface EncodedApply {
  readonly argv: (string | Buffer)[];
  readonly result: Omit<StateBatchResult, 'replayed'>;
  readonly version: string;
  readonly bytes: number;
  /** Stored value length of each upsert, in order. */
  readonly lengths: readonly number[];
}
