import type { RedisOptions } from 'ioredis';
import { Cluster, Redis } from 'ioredis';
import { InternalError } from '../../../engine/errors/errors.js';
import type { StateStore, StateStoreLocation, StateStoreProvider } from '../../../engine/state/state-store.js';
import type { RedisClient } from '../../../infra/redis/call.js';
import { openRedis, parseRedisUrl } from '../../../infra/redis/connect.js';
import { StateKeys } from '../../../infra/redis/keys.js';
import { PartitionCopies } from './partition-copies.js';
import { RedisStateStore } from './redis-state-partition.js';

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

/** Rows of worker-side partition copies kept per provider before the least recently used go. */
const DEFAULT_MAX_CACHED_ROWS = 4_000_000;

export interface RedisStateStoreOptions {
  /** Rows of partition copies kept in this process (least recently used go first). */
  readonly maxCachedRows?: number;
  /** A partition copy unused this long is dropped (default 10 minutes). */
  readonly maxIdleMs?: number;
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
  private readonly copies: PartitionCopies;

  constructor(
    connection: RedisStateConnection,
    private readonly log: StateStoreLogger,
    options: RedisStateStoreOptions = {},
  ) {
    this.copies = new PartitionCopies(options.maxCachedRows ?? DEFAULT_MAX_CACHED_ROWS, options.maxIdleMs);
    if (connection instanceof Redis || connection instanceof Cluster) {
      this.redis = connection;
      this.owned = false;
    } else {
      this.redis = openRedis(parseRedisUrl(connection.url), { ...STATE_STORE_REDIS_OPTIONS, ...connection.options });
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
    return Promise.resolve(new RedisStateStore(this.redis, location, this.log, this.copies));
  }

  /** Drops the copies of the checkpoint's partitions (Redis holds them; a later apply reloads). */
  release(checkpoint: string): void {
    const prefix = StateKeys.pattern(checkpoint).slice(0, -1);
    for (const id of this.copies.held()) if (id.startsWith(prefix)) this.copies.forget(id);
  }

  async close(): Promise<void> {
    this.copies.clear();
    if (!this.owned) return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
