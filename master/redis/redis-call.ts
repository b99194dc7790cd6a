import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ExecutionError, KindlingError } from '../../engine/errors/errors.js';

/** Opens (or returns a cached) ioredis connection for a `redis://` URL. */
export type RedisConnect = (url: string) => Redis;

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
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
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
export async function unlinkMatching(redis: Redis, pattern: string, batch = 500): Promise<number> {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const mine = keys.filter((k) => k.startsWith(prefix));
    for (let i = 0; i < mine.length; i += batch) removed += await redis.unlink(...mine.slice(i, i + batch));
  } while (cursor !== '0');
  return removed;
}
