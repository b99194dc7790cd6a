import { ConcurrentModificationError } from '../../../engine/errors/errors.js';
import { CheckpointKeys } from '../../../infra/redis/keys.js';
import { redisCall, type RedisClient } from '../../../infra/redis/call.js';
import type { RunLease } from './checkpoint-store.js';

/**
 * What a run that lost its checkpoint's run lease gets when it writes: Spark's
 * CONCURRENT_STREAM_LOG_UPDATE; the parameters also name the run that holds the lease now.
 */
export function runFenced(what: string, batchId: number | undefined, token: number, holder: RunLease | undefined): ConcurrentModificationError {
  return new ConcurrentModificationError('', {
    errorClass: 'CONCURRENT_STREAM_LOG_UPDATE',
    messageParameters: {
      batchId: batchId === undefined ? what : String(batchId),
      write: what,
      runToken: String(token),
      newerRunToken: String(holder?.token ?? '?'),
      newerRunId: holder?.runId ?? '?',
    },
  });
}

/** The token a store writes with, once it took the run lease. */
export interface LeaseToken {
  token: number | undefined;
}

export async function readLease(redis: RedisClient, checkpoint: string): Promise<RunLease | undefined> {
  const h = await redisCall(`reading the run lease of checkpoint ${checkpoint}`, () => redis.hgetall(CheckpointKeys.runLease(checkpoint)));
  return h['token'] === undefined ? undefined : { token: Number(h['token']), runId: h['runId'] ?? '', since: Number(h['since'] ?? 0) };
}
