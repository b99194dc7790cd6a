import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster, Redis } from 'ioredis';
import { ExecutionError } from '../../../engine/errors/errors.js';

/** One Redis or a Redis Cluster (every script's keys share one slot: `StateKeys` hash tags). */
export type RedisClient = Redis | Cluster;

/** The `lua/` folder beside this module, from source (`worker/state/redis/lua`) or from `dist/`. */
function luaDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'lua'), resolve(here, '..', '..', '..', '..', 'worker', 'state', 'redis', 'lua')];
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined) throw new Error(`cannot find the Redis Lua scripts (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * A Lua script from `lua/<name>-<numberOfKeys>.lua`, run by SHA1 (`EVALSHA`). When Redis does not
 * know it (first use, or after a restart) it is loaded with `SCRIPT LOAD` and run again by SHA1,
 * so steady state costs exactly one `EVALSHA` per call.
 */
export class RedisScript {
  readonly source: string;
  readonly sha: string;
  private readonly loading = new WeakMap<RedisClient, Promise<unknown>>();

  constructor(
    readonly name: string,
    readonly numberOfKeys: number,
  ) {
    this.source = readFileSync(join(luaDir(), `${name}-${numberOfKeys}.lua`), 'utf8');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  /** Keys and arguments travel as one array: ioredis flattens it, and no huge argument spread is made. */
  async run(redis: RedisClient, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) throw new Error(`${this.name} takes ${this.numberOfKeys} keys, got ${keys.length}`);
    const params = keys.length === 0 ? args : [...keys, ...args];
    try {
      return await redis.evalsha(this.sha, keys.length, params as string[]);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      // SCRIPT LOAD on a cluster goes to any node; EVAL runs on the keys' node and caches it there.
      if (redis.isCluster) return await redis.eval(this.source, keys.length, params as string[]);
      await this.load(redis);
      return await redis.evalsha(this.sha, keys.length, params as string[]);
    }
  }

  private async load(redis: RedisClient): Promise<void> {
    // Partitions applying at once after a restart share one SCRIPT LOAD.
    let loading = this.loading.get(redis);
    if (!loading) {
      loading = redis.script('LOAD', this.source).finally(() => this.loading.delete(redis));
      this.loading.set(redis, loading);
    }
    await loading;
  }
}

/**
 * After a write to `key`: waits until the replicas the connection asks for (`?replicas=N` on the
 * URL, set by cli/redis.ts) hold it, so a Redis failover cannot lose an acknowledged state write.
 * The pipeline routes WAIT to the node serving `key`, where it covers every earlier write.
 */
export async function replicated(redis: RedisClient, key: string, what: string): Promise<void> {
  const n = (redis as unknown as { kindlingWaitReplicas?: number }).kindlingWaitReplicas ?? 0;
  if (n <= 0) return;
  let acked: number;
  try {
    const replies = await redis.pipeline().exists(key).call('WAIT', n, WAIT_TIMEOUT_MS).exec();
    acked = Number(replies?.[1]?.[1] ?? 0);
  } catch (e) {
    throw new ExecutionError(`Redis failed while ${what}: ${(e as Error).message}`, { cause: e });
  }
  if (acked < n) throw new ExecutionError(`Redis failed while ${what}: only ${acked} of ${n} replicas acknowledged the write within ${WAIT_TIMEOUT_MS} ms`);
}

const WAIT_TIMEOUT_MS = 2000;
