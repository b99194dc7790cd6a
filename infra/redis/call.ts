import type { Cluster, Redis } from 'ioredis';
import { ExecutionError, KindlingError } from '../../engine/errors/errors.js';

/** One Redis or a Redis Cluster: Kindling uses only commands both serve (keys of one call share a slot). */
export type RedisClient = Redis | Cluster;

/** Opens (or returns a cached) client for a `--redis`-style URL (`RedisConnections.connect`). */
export type RedisConnect = (url: string) => RedisClient;

/**
 * Runs one Redis step; a failure of Redis itself (down, timeout, refused command) becomes a
 * retryable ExecutionError naming what Kindling was doing, so the query retries or fails clearly.
 * Kindling's own errors (a fenced write, a lost log) pass through unchanged.
 */
export async function redisCall<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof KindlingError) throw e;
    throw new ExecutionError(`Redis failed while ${what}: ${(e as Error).message}`, { cause: e });
  }
}

/** The property `openRedis` sets on a client whose writes wait for replicas (`?replicas=N`). */
export const WAIT_REPLICAS = 'kindlingWaitReplicas';

const WAIT_TIMEOUT_MS = 2000;

/**
 * After a write to `key`: waits until the replicas the connection asks for (`?replicas=N` on the
 * URL) hold it, so a failover to a replica cannot lose an acknowledged write. WAIT goes to the
 * node serving `key` (a pipeline routes by its keys) and covers every earlier write on that
 * node's connection.
 */
export async function replicated(redis: RedisClient, key: string, what: string): Promise<void> {
  const n = (redis as unknown as Record<typeof WAIT_REPLICAS, number | undefined>)[WAIT_REPLICAS] ?? 0;
  if (n <= 0) return;
  const replies = await redisCall(what, () => redis.pipeline().exists(key).call('WAIT', n, WAIT_TIMEOUT_MS).exec());
  const acked = Number(replies?.[1]?.[1] ?? 0);
  if (acked < n) throw new ExecutionError(`Redis failed while ${what}: only ${acked} of ${n} replicas acknowledged the write within ${WAIT_TIMEOUT_MS} ms`);
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
