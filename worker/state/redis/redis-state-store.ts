import { Redis, type RedisOptions } from 'ioredis';
import { ExecutionError, InternalError, KindlingError, NotSupportedError } from '../../../engine/errors/errors.js';
import { StateKeys } from '../../../engine/redis-keys.js';
import type {
  StateBatch,
  StateBatchResult,
  StateRow,
  StateStore,
  StateStoreLocation,
  StateStoreProvider,
} from '../../../engine/state/state-store.js';
import { decodePayload, decodeRowValue, encodeNumber, encodeRowValue } from './codec.js';
import { RedisScript } from './scripts.js';

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
export type RedisStateConnection = Redis | { readonly url: string; readonly options?: RedisOptions };

const APPLY_BATCH = new RedisScript('apply-batch', 4);

/**
 * State stores kept in Redis (`StateKeys`, one hash tag per partition): rows in a hash, event times
 * in a sorted set, `lastBatch`/`epoch` in a meta hash, the last batch's output in a string. Nothing
 * is held in worker memory, so a partition moves to another worker by changing its owner; the
 * fencing epoch in the meta hash keeps the previous owner from writing.
 */
export class RedisStateStoreProvider implements StateStoreProvider {
  readonly name = 'redis';
  private readonly redis: Redis;
  private readonly owned: boolean;

  constructor(
    connection: RedisStateConnection,
    private readonly log: StateStoreLogger,
  ) {
    if (connection instanceof Redis) {
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
    ] as const) {
      if (!Number.isSafeInteger(n) || n < 0) return Promise.reject(new InternalError(`state store ${what} must be a non-negative integer, got ${n}`));
    }
    return Promise.resolve(new RedisStateStore(this.redis, location, this.log));
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One partition's state; every method is one Redis round trip (`rows` pages with HSCAN). */
export class RedisStateStore implements StateStore {
  readonly partition: number;
  private readonly keys: readonly [rows: string, eventTimes: string, meta: string, output: string];

  constructor(
    private readonly redis: Redis,
    private readonly location: StateStoreLocation,
    private readonly log: StateStoreLogger,
  ) {
    const { checkpoint, operatorId: op, partition } = location;
    this.partition = partition;
    this.keys = [
      StateKeys.rows(checkpoint, op, partition),
      StateKeys.eventTimes(checkpoint, op, partition),
      StateKeys.meta(checkpoint, op, partition),
      StateKeys.output(checkpoint, op, partition),
    ];
  }

  async lastAppliedBatch(): Promise<number> {
    const last = await this.call('reading the last applied batch', () => this.redis.hget(this.keys[2], 'lastBatch'));
    return last === null ? -1 : Number(last);
  }

  async applyBatch(batch: StateBatch): Promise<StateBatchResult> {
    if (!Number.isSafeInteger(batch.batchId) || batch.batchId < 0) throw new InternalError(`batch id must be a non-negative integer, got ${batch.batchId}`);
    if (batch.mergeOps.includes('union')) {
      throw new NotSupportedError('Distinct aggregates (merge op union) cannot be kept in a Redis state store.');
    }
    const args: string[] = [
      String(batch.batchId),
      String(this.location.epoch),
      batch.mergeOps.join(','),
      batch.lateBeforeUs === null ? '' : encodeNumber(batch.lateBeforeUs),
      batch.evictBeforeUs === null ? '' : encodeNumber(batch.evictBeforeUs),
      batch.emit,
    ];
    for (const row of batch.rows) {
      // Keys travel into the script's JSON payload as they are: they must be encodeKey's JSON arrays.
      if (row.key.charCodeAt(0) !== 91 || row.key.charCodeAt(row.key.length - 1) !== 93) {
        throw new InternalError(`state key ${row.key} is not an encoded grouping key (encodeKey)`);
      }
      args.push(row.key, row.eventTimeUs === null ? '' : encodeNumber(row.eventTimeUs), encodeRowValue(row.eventTimeUs, row.buffers, batch.mergeOps));
    }
    const reply = await this.call(`applying batch ${batch.batchId}`, () => APPLY_BATCH.run(this.redis, this.keys, args));
    const [status, detail] = reply as [string, string];
    switch (status) {
      case 'APPLIED':
      case 'REPLAYED': {
        const { batchId, result } = decodePayload(detail, status === 'REPLAYED');
        if (batchId !== batch.batchId) throw new InternalError(`state partition ${this.partition} returned the output of batch ${batchId} for batch ${batch.batchId}`);
        return result;
      }
      case 'FENCED':
        this.log.warn({ component: 'redis-state', ...this.location, batchId: batch.batchId, newerEpoch: Number(detail) }, 'stale owner fenced off');
        throw new ExecutionError(
          `State partition ${this.partition} of operator ${this.location.operatorId} in checkpoint ${this.location.checkpoint} moved to a newer owner ` +
            `(epoch ${detail}, this task has epoch ${this.location.epoch}); batch ${batch.batchId} was not applied here.`,
        );
      case 'STALE':
        throw new ExecutionError(`State of partition ${this.partition} is already at batch ${detail}; cannot apply batch ${batch.batchId}.`);
      default:
        throw new InternalError(`unexpected reply from the state script: ${String(status)}`);
    }
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
