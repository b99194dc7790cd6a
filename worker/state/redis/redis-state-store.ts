import { randomBytes } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { ConcurrentModificationError, ExecutionError, InternalError, KindlingError, NotSupportedError } from '../../../engine/errors/errors.js';
import { StateKeys } from '../../../engine/redis-keys.js';
import type {
  StateBatch,
  StateBatchResult,
  StateRow,
  StateStore,
  StateStoreLocation,
  StateStoreProvider,
} from '../../../engine/state/state-store.js';
import { computeBatchChanges, type StateChanges } from '../../../engine/state/apply-batch.js';
import { IndexedState } from '../../../engine/state/indexed-state.js';
import { asStored, decodePayload, decodeRowValue, encodeRowValue, payloadHead } from './codec.js';
import { RedisScript, replicated, type RedisClient } from './scripts.js';

/** What the provider logs through (a pino logger fits). */
export interface StateStoreLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/**
 * Settings of the connection the provider opens itself (a caller passing its own client should
 * use compatible ones):
 * - `autoResendUnfulfilledCommands: true`: an apply whose reply was lost with the connection is
 *   sent again after reconnecting. Every apply is batch-id-guarded, so a resend of one that had
 *   already run returns its recorded output instead of merging twice: a connection blip becomes a
 *   success rather than a failed task.
 * - `enableOfflineQueue: true` + `maxRetriesPerRequest: 5` with a backoff of 100, 200, … ms:
 *   commands issued while Redis is away wait about 1.5 s (a restart), then fail with a retryable
 *   ExecutionError; the caller retries the batch, which the guard makes safe.
 */
export const STATE_STORE_REDIS_OPTIONS: RedisOptions = Object.freeze({
  autoResendUnfulfilledCommands: true,
  enableOfflineQueue: true,
  maxRetriesPerRequest: 5,
  retryStrategy: (times: number) => Math.min(times * 100, 2000),
  connectTimeout: 5000,
  connectionName: 'kindling-state',
});

/** An ioredis client the caller owns, or where the provider should connect (and later disconnect). */
export type RedisStateConnection = RedisClient | { readonly url: string; readonly options?: RedisOptions };

const APPLY_BATCH = new RedisScript('apply-batch', 3);

/** How often one apply may find the partition changed under it (another writer) and start over. */
const MAX_CONFLICTS = 3;

/** Rows of worker-side partition copies kept per provider before the least recently used go. */
const DEFAULT_MAX_CACHED_ROWS = 4_000_000;

/** Estimated bytes Redis spends per row beyond its key (held once) and value. */
const ROW_OVERHEAD = 96;

export interface RedisStateStoreOptions {
  /** Rows of partition copies kept in this process (least recently used go first). */
  readonly maxCachedRows?: number;
}

/**
 * State stores kept in Redis (`StateKeys`, one hash tag per partition): rows in a hash,
 * `lastBatch`/`epoch`/`version` in a meta hash, the last batch's output in a string. Redis holds
 * the state; the worker keeps a copy of the partitions it applies to, merges against it and sends
 * only the changed rows. The copy is trusted only while Redis still holds the version it was made
 * from (checked in the same atomic step as the write), so a partition moves to another worker by
 * changing its owner: the new owner loads it once, and the fencing epoch keeps the old one out.
 */
export class RedisStateStoreProvider implements StateStoreProvider {
  readonly name = 'redis';
  private readonly redis: RedisClient;
  private readonly owned: boolean;
  /** Partition copies by location, least recently used first. */
  private readonly copies = new Map<string, PartitionCopy>();
  private cachedRows = 0;
  /** Applies to one partition run one at a time: a retried task may race a slow original. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly maxCachedRows: number;
  /** Versions are this process's random prefix and a counter: unique per write without a syscall each. */
  private readonly versionPrefix = randomBytes(8).toString('hex');
  private versions = 0;

  constructor(
    connection: RedisStateConnection,
    private readonly log: StateStoreLogger,
    options: RedisStateStoreOptions = {},
  ) {
    this.maxCachedRows = options.maxCachedRows ?? DEFAULT_MAX_CACHED_ROWS;
    if (connection instanceof Redis || connection instanceof Cluster) {
      this.redis = connection;
      this.owned = false;
    } else {
      this.redis = new Redis(connection.url, { ...STATE_STORE_REDIS_OPTIONS, ...connection.options });
      this.owned = true;
      let down = false;
      this.redis.on('error', (e: Error) => {
        if (!down) log.warn({ component: 'redis-state', err: e.message }, 'state store lost its Redis connection');
        down = true;
      });
      this.redis.on('ready', () => {
        if (down) log.info({ component: 'redis-state' }, 'state store reconnected to Redis');
        down = false;
      });
    }
  }

  /** Cheap: no Redis call and nothing loaded; the state stays in Redis. */
  open(location: StateStoreLocation): Promise<StateStore> {
    for (const [what, n] of [
      ['partition', location.partition],
      ['operatorId', location.operatorId],
      ['epoch', location.epoch],
      ['run', location.run ?? 0],
    ] as const) {
      if (!Number.isSafeInteger(n) || n < 0) return Promise.reject(new InternalError(`state store ${what} must be a non-negative integer, got ${n}`));
    }
    return Promise.resolve(new RedisStateStore(this.redis, location, this.log, this));
  }

  async close(): Promise<void> {
    this.copies.clear();
    this.cachedRows = 0;
    if (!this.owned) return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** @internal A version no other write (of this or any process) records. */
  nextVersion(): string {
    return `${this.versionPrefix}-${(this.versions++).toString(36)}`;
  }

  /** @internal Runs `step` after every earlier apply to the same partition has settled. */
  serialize<T>(id: string, step: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(id) ?? Promise.resolve()).then(step);
    const settled = next.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }

  /** @internal The copy of a partition, if this process holds one (marked as just used). */
  copy(id: string): PartitionCopy | undefined {
    const c = this.copies.get(id);
    if (c) {
      this.copies.delete(id);
      this.copies.set(id, c);
    }
    return c;
  }

  /** @internal Keeps (or replaces) the copy of a partition, dropping old ones past the budget. */
  keep(id: string, c: PartitionCopy): void {
    this.forget(id);
    this.copies.set(id, c);
    this.cachedRows += c.state.size;
    this.trim(id);
  }

  /** @internal Counts a change in the size of the copy of `id`. */
  resized(id: string, delta: number): void {
    this.cachedRows += delta;
    this.trim(id);
  }

  /** Drops the least recently used copies other than `keep` while over the budget. */
  private trim(keep: string): void {
    for (const other of this.copies.keys()) {
      if (this.cachedRows <= this.maxCachedRows) break;
      if (other !== keep) this.forget(other);
    }
  }

  /** @internal Drops the copy of a partition: the next apply loads it from Redis. */
  forget(id: string): void {
    const c = this.copies.get(id);
    if (!c) return;
    this.copies.delete(id);
    this.cachedRows -= c.state.size;
  }
}

/** A worker's copy of one partition, valid while Redis holds `version`. */
interface PartitionCopy {
  readonly state: IndexedState;
  /** Length of each key's stored value text, for the size estimate. */
  readonly valueLengths: Map<string, number>;
  version: string;
  bytes: number;
}

/** One partition's state; an apply is one Redis round trip once the partition's copy is loaded. */
export class RedisStateStore implements StateStore {
  readonly partition: number;
  private readonly keys: readonly [rows: string, meta: string, output: string];
  private readonly id: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly location: StateStoreLocation,
    private readonly log: StateStoreLogger,
    private readonly provider: RedisStateStoreProvider,
  ) {
    const { checkpoint, operatorId: op, partition } = location;
    this.partition = partition;
    this.keys = [StateKeys.rows(checkpoint, op, partition), StateKeys.meta(checkpoint, op, partition), StateKeys.output(checkpoint, op, partition)];
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
      // Keys go into the recorded output as they are: they must be encodeKey's JSON arrays.
      if (row.key.charCodeAt(0) !== 91 || row.key.charCodeAt(row.key.length - 1) !== 93) {
        return Promise.reject(new InternalError(`state key ${row.key} is not an encoded grouping key (encodeKey)`));
      }
    }
    const stored: StateBatch = { ...batch, rows: batch.rows.map(asStored) };
    return this.provider.serialize(this.id, () => this.applyNow(stored));
  }

  private async applyNow(batch: StateBatch): Promise<StateBatchResult> {
    for (let conflicts = 0; ; conflicts++) {
      const copy = this.provider.copy(this.id) ?? (await this.load());
      const changes = computeBatchChanges(copy.state, batch);
      const args = this.encode(batch, copy, changes);
      let reply: unknown;
      try {
        reply = await this.call(`applying batch ${batch.batchId}`, () => APPLY_BATCH.run(this.redis, this.keys, args.argv));
      } catch (e) {
        // Whether it ran is unknown: the next apply reloads (a retry of this one is answered by the guard).
        this.provider.forget(this.id);
        throw e;
      }
      const [status, detail, replayedRows] = reply as [string, string, string[] | undefined];
      if (status === 'APPLIED' || status === 'REPLAYED') {
        try {
          await replicated(this.redis, this.keys[0], `replicating batch ${batch.batchId} of state partition ${this.partition}`);
        } catch (e) {
          this.provider.forget(this.id);
          throw e;
        }
      }
      if (status === 'APPLIED') {
        this.commit(copy, changes, args);
        return { ...args.result, replayed: false };
      }
      this.provider.forget(this.id);
      switch (status) {
        case 'REPLAYED': {
          const { batchId, result } = decodePayload(detail, true);
          if (batchId !== batch.batchId) throw new InternalError(`state partition ${this.partition} returned the output of batch ${batchId} for batch ${batch.batchId}`);
          if (batch.emit !== 'all') return result;
          const rows: StateRow[] = [];
          const flat = replayedRows ?? [];
          for (let i = 0; i + 1 < flat.length; i += 2) rows.push(decodeRowValue(flat[i] as string, flat[i + 1] as string));
          return { ...result, rows };
        }
        case 'CONFLICT':
          if (conflicts + 1 < MAX_CONFLICTS) continue;
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
  }

  /** Reads the partition and its version in one transaction, and keeps it as this process's copy. */
  private async load(): Promise<PartitionCopy> {
    const replies = await this.call('loading the state', () =>
      this.redis.multi().hmget(this.keys[1], 'version', 'bytes').hgetall(this.keys[0]).exec(),
    );
    const [metaReply, rowsReply] = replies ?? [];
    const failed = metaReply?.[0] ?? rowsReply?.[0];
    if (failed || !metaReply || !rowsReply) {
      throw new ExecutionError(`Redis failed while loading the state of partition ${this.partition}: ${failed?.message ?? 'transaction aborted'}`);
    }
    const [version, bytes] = metaReply[1] as [string | null, string | null];
    const state = new IndexedState();
    const valueLengths = new Map<string, number>();
    for (const [key, text] of Object.entries(rowsReply[1] as Record<string, string>)) {
      state.set(decodeRowValue(key, text));
      valueLengths.set(key, text.length);
    }
    const copy: PartitionCopy = { state, valueLengths, version: version ?? '', bytes: Number(bytes ?? 0) };
    this.provider.keep(this.id, copy);
    return copy;
  }

  /** The script's arguments for `changes`, and the result the batch returns if they are written. */
  private encode(batch: StateBatch, copy: PartitionCopy, changes: StateChanges): EncodedApply {
    const upserts: string[] = [];
    const lengths: number[] = [];
    let bytes = copy.bytes;
    let added = 0;
    for (const r of changes.upserts) {
      const value = encodeRowValue(r.eventTimeUs, r.buffers, batch.mergeOps);
      upserts.push(r.key, value);
      lengths.push(value.length);
      const old = copy.valueLengths.get(r.key);
      if (old === undefined) {
        bytes += value.length + r.key.length + ROW_OVERHEAD;
        added++;
      } else bytes += value.length - old;
    }
    let gone = 0;
    for (const k of changes.removed) {
      const old = copy.valueLengths.get(k);
      if (old === undefined) continue;
      bytes -= old + k.length + ROW_OVERHEAD;
      gone++;
    }
    bytes = Math.max(0, bytes);
    const result: Omit<StateBatchResult, 'replayed'> = {
      rows: changes.output,
      numRowsTotal: copy.state.size + added - gone,
      numRowsUpdated: changes.numRowsUpdated,
      numRowsRemoved: changes.removed.length,
      numRowsDroppedByWatermark: changes.numRowsDroppedByWatermark,
      memoryUsedBytes: bytes,
    };
    const packedUpserts = JSON.stringify(upserts);
    let recordedRows: string;
    if (batch.emit === 'updated' && changes.removed.length === 0) {
      // Nothing evicted: the updated rows are exactly the upserts, already packed.
      recordedRows = '=';
    } else if (batch.emit === 'all') {
      recordedRows = '[]';
    } else {
      const flat: string[] = [];
      for (const r of changes.output) flat.push(r.key, encodeRowValue(r.eventTimeUs, r.buffers, batch.mergeOps));
      recordedRows = JSON.stringify(flat);
    }
    const version = this.provider.nextVersion();
    const argv = [
      String(batch.batchId),
      String(this.location.epoch),
      copy.version,
      version,
      batch.emit,
      String(bytes),
      payloadHead(batch.batchId, result),
      packedUpserts,
      JSON.stringify(changes.removed),
      recordedRows,
      this.location.run === undefined ? '' : String(this.location.run),
    ];
    return { argv, result, version, bytes, lengths };
  }

  /** Brings the copy to what the script just wrote. */
  private commit(copy: PartitionCopy, changes: StateChanges, applied: EncodedApply): void {
    const before = copy.state.size;
    changes.upserts.forEach((r, i) => {
      copy.state.set(r);
      copy.valueLengths.set(r.key, applied.lengths[i] as number);
    });
    for (const k of changes.removed) {
      copy.state.delete(k);
      copy.valueLengths.delete(k);
    }
    copy.version = applied.version;
    copy.bytes = applied.bytes;
    this.provider.resized(this.id, copy.state.size - before);
  }

  /** Pages through the rows with HSCAN (no long block of Redis); not a snapshot if batches run meanwhile. */
  async rows(): Promise<StateRow[]> {
    const found = new Map<string, StateRow>();
    let cursor = '0';
    do {
      const [next, flat] = await this.call('listing state rows', () => this.redis.hscan(this.keys[0], cursor, 'COUNT', 1000));
      for (let i = 0; i + 1 < flat.length; i += 2) found.set(flat[i] as string, decodeRowValue(flat[i] as string, flat[i + 1] as string));
      cursor = next;
    } while (cursor !== '0');
    return [...found.values()];
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async call<T>(what: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      if (e instanceof KindlingError) throw e;
      throw new ExecutionError(
        `Redis failed while ${what} of state partition ${this.partition} (checkpoint ${this.location.checkpoint}): ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}

interface EncodedApply {
  readonly argv: string[];
  readonly result: Omit<StateBatchResult, 'replayed'>;
  readonly version: string;
  readonly bytes: number;
  /** Stored value length of each upsert, in order. */
  readonly lengths: readonly number[];
}
