import { recordBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import { valuesVector } from '../../engine/batch/vector.js';
import {
  REDIS_STREAM_READER,
  REDIS_STREAM_SCHEMA,
  streamIdMillis,
  type RedisStreamSplitConfig,
} from '../../engine/connectors/redis-stream/stream-entry.js';
import type { InputSplit, SplitReader } from '../../engine/connectors/split.js';
import { ExecutionError } from '../../engine/errors/errors.js';
import { redisCall, type RedisClient, type RedisConnect } from '../../infra/redis/call.js';
import { ClientsByUrl } from '../../infra/redis/clients-by-url.js';

/** Entries per XRANGE call (and per record batch). */
const CHUNK = 10_000;

export interface RedisStreamSplitReader extends SplitReader {
  /** Closes the connections this reader opened. */
  close(): Promise<void>;
}

/**
 * Reads a `redis` source split on a worker: the entries `(after, to]` with XRANGE, CHUNK at a
 * time, as rows `id, timestamp, fields`. When `to` is the batch's end entry it must be the last
 * one read: if it is gone, the batch cannot be replayed as planned and the task fails.
 */
export function redisStreamSplitReader(connect: RedisConnect): RedisStreamSplitReader {
  const clients = new ClientsByUrl(connect);
  return {
    name: REDIS_STREAM_READER,
    async read(split: InputSplit): Promise<RecordBatch[]> {
      const c = split.config as RedisStreamSplitConfig;
      const redis = clients.get(c.url);
      const batches: RecordBatch[] = [];
      let cursor = `(${c.after}`;
      let lastId: string | undefined;
      for (;;) {
        const entries = await readChunk(redis, c.key, cursor, c.to);
        if (entries.length === 0) break;
        batches.push(toBatch(entries));
        lastId = (entries.at(-1) as [string, string[]])[0];
        if (entries.length < CHUNK) break;
        cursor = `(${lastId}`;
      }
      if (c.toExists && c.failOnDataLoss && lastId !== c.to) {
        throw new ExecutionError(
          `Cannot replay entries (${c.after}, ${c.to}] of Redis stream ${c.key}: entry ${c.to} is gone (trimmed or deleted). ` +
            'Entries must stay in the stream until the batch that reads them is committed.',
          { retryable: false },
        );
      }
      return batches;
    },
    close: () => clients.close(),
  };
}

function readChunk(redis: RedisClient, key: string, from: string, to: string): Promise<[string, string[]][]> {
  return redisCall(`reading stream ${key}`, () => redis.xrange(key, from, to, 'COUNT', CHUNK));
}

function toBatch(entries: readonly [string, string[]][]): RecordBatch {
  const ids: string[] = [];
  const times: number[] = [];
  const fields: Map<string, string>[] = [];
  for (const [id, pairs] of entries) {
    ids.push(id);
    times.push(streamIdMillis(id) * 1000);
    const m = new Map<string, string>();
    for (let i = 0; i + 1 < pairs.length; i += 2) m.set(pairs[i] as string, pairs[i + 1] as string);
    fields.push(m);
  }
  return recordBatch(REDIS_STREAM_SCHEMA, entries.length, [valuesVector(ids), valuesVector(times), valuesVector(fields)]);
}
