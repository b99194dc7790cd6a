import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ExecutionError, KindlingError } from '../../engine/errors/errors.js';

/** One Redis or a Redis Cluster: the master uses only commands both serve (keys of one call share a slot). */
export type RedisClient = Redis | Cluster;

/** Opens (or returns a cached) client for a `--redis` URL (cli/redis.ts parses every form). */
export type RedisConnect = (url: string) => RedisClient;

/**
 * After a write to `key`: waits until the replicas the connection asks for (`?replicas=N` on the
 * URL, set by cli/redis.ts) hold it, so a failover to a replica cannot lose an acknowledged write.
 * WAIT goes to the node serving `key` (a pipeline routes by its keys) and covers every earlier
 * write on that node's connection.
 */
export async function replicated(redis: RedisClient, key: string, what: string): Promise<void> {
  const n = (redis as unknown as { kindlingWaitReplicas?: number }).kindlingWaitReplicas ?? 0;
  if (n <= 0) return;
  const replies = await redisCall(what, () => redis.pipeline().exists(key).call('WAIT', n, WAIT_TIMEOUT_MS).exec());
  const acked = Number(replies?.[1]?.[1] ?? 0);
  if (acked < n) throw new ExecutionError(`Redis failed while ${what}: only ${acked} of ${n} replicas acknowledged the write within ${WAIT_TIMEOUT_MS} ms`);
}

const WAIT_TIMEOUT_MS = 2000;

/**
 * Runs one Redis step; a failure of Redis itself (down, timeout, refused command) becomes a
 * retryable ExecutionError naming what Kindling was doing, so the query retries or fails clearly.
 */
export async function redisCall<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof KindlingError) throw e;
    throw new ExecutionError(`Redis failed while ${what}: ${(e as Error).message}`, { cause: e });
  }
}

/** A Lua script run by its SHA1, loaded on first use and again after Redis forgot it (restart). */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Keys and arguments travel as one array: ioredis flattens it, and no huge argument spread is made. */
  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const params = [...keys, ...args.map(String)];
    try {
      return await redis.evalsha(this.sha, keys.length, params);
    } catch (e) {
      if (!(e as Error).message.startsWith('NOSCRIPT')) throw e;
      return await redis.eval(this.source, keys.length, params);
    }
  }
}

/** Deletes every key matching `pattern` that really starts with its literal prefix (names may hold `*`). */
export async function unlinkMatching(redis: RedisClient, pattern: string, batch = 500): Promise<number> {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  let removed = 0;
  // A cluster's keys are spread over its masters: scan each, and unlink key by key (one slot each).
  const nodes: Redis[] = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      const mine = keys.filter((k) => k.startsWith(prefix));
      if (redis.isCluster) removed += (await Promise.all(mine.map((k) => redis.unlink(k)))).reduce((a, b) => a + b, 0);
      else for (let i = 0; i < mine.length; i += batch) removed += await redis.unlink(...mine.slice(i, i + batch));
    } while (cursor !== '0');
  }
  return removed;
}
