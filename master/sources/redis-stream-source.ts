import { streamOnlyProvider } from '../../engine/connectors/stream-only.js';
import { SourceOptions } from '../../engine/connectors/options.js';
import {
  compareStreamIds,
  parseStreamId,
  REDIS_STREAM_READER,
  REDIS_STREAM_SCHEMA,
  splitStreamRange,
  type RedisStreamSplitConfig,
} from '../../engine/connectors/redis-stream/stream-entry.js';
import type { Offset, Source, SourceContext, SourceProvider } from '../../engine/connectors/source.js';
import type { InputSplit } from '../../engine/connectors/split.js';
import { AnalysisError, ExecutionError } from '../../engine/errors/errors.js';
import { redisCall, type RedisClient, type RedisConnect } from '../../infra/redis/call.js';
import { ClientsByUrl } from '../../infra/redis/clients-by-url.js';

interface RedisStreamOptions {
  readonly url: string;
  readonly key: string;
  /** `$` (entries added after the query's first start), or an id to read after (`0-0`: everything). */
  readonly startId: string;
  /** As Kafka's option: false logs lost entries and reads what is left instead of failing. */
  readonly failOnDataLoss: boolean;
}

function redisStreamOptions(raw: Readonly<Record<string, string>>): RedisStreamOptions {
  const o = new SourceOptions(raw);
  const url = o.require('url', 'Set the Redis server to read from with option("url", "redis://host:6379").');
  if (!/^rediss?:\/\//i.test(url)) throw new AnalysisError(`Invalid url '${url}' for the redis source: expected redis://host:port.`);
  const key = o.require('key', 'Set the stream to read with option("key", ...).');
  const startId = (o.get('startId') ?? '$').trim();
  if (startId !== '$' && !parseStreamId(startId)) {
    throw new AnalysisError(`Invalid startId '${startId}' for the redis source: expected '$', '0-0' or an entry id such as 1700000000000-0.`);
  }
  const failOnDataLoss = o.bool('failOnDataLoss', true, 'failOnDataLoss must be set to either "true" or "false".');
  return { url, key, startId: startId === '$' ? '$' : normalize(startId), failOnDataLoss };
}

function normalize(id: string): string {
  return id.includes('-') ? id : `${id}-0`;
}

/** The URL without credentials, for descriptions and logs. */
function safeUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/**
 * Reads a Redis stream (entries a user's producers XADD). Offsets are entry ids as JSON strings:
 * a batch reads the entries after the previous batch's id up to its own, with XRANGE on the
 * workers, so a batch is replayable as long as its entries are not trimmed or deleted (it fails
 * clearly when they were). With startId `$` the query starts after the stream's last entry at its
 * first start; that id is kept in the checkpoint, so a restart reads on from there.
 */
class RedisStreamSource implements Source {
  readonly schema = REDIS_STREAM_SCHEMA;
  readonly description: string;
  private startId: string | undefined;
  private reported: string | null = null;

  constructor(
    private readonly options: RedisStreamOptions,
    private readonly redis: RedisClient,
    private readonly ctx: SourceContext,
  ) {
    this.description = `RedisStream[key: ${options.key}, url: ${safeUrl(options.url)}]`;
  }

  async latestOffset(): Promise<Offset | null> {
    const start = await this.start();
    const last = await this.lastId();
    // Never report an older offset (the last entry may have been XDELed since).
    if (last !== undefined && compareStreamIds(last, start) > 0 && (this.reported === null || compareStreamIds(last, this.reported) > 0)) {
      this.reported = last;
    }
    return this.reported;
  }

  async planSplits(start: Offset | null, end: Offset): Promise<InputSplit[]> {
    const after = start === null ? await this.start() : String(start);
    const to = String(end);
    if (!parseStreamId(after) || !parseStreamId(to)) throw new ExecutionError(`Invalid redis stream offsets ${JSON.stringify([start, end])}.`);
    if (compareStreamIds(to, after) <= 0) return [];
    await this.checkNotTrimmed(after, to);
    const { url, key, failOnDataLoss } = this.options;
    return splitStreamRange(after, to, this.ctx.parallelism()).map((r): InputSplit => {
      const config: RedisStreamSplitConfig = { url, key, after: r.after, to: r.to, toExists: r.to === to, failOnDataLoss };
      return { reader: REDIS_STREAM_READER, config };
    });
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    // The connection is shared per URL by the provider and outlives the query.
    return Promise.resolve();
  }

  /** The exclusive start id, frozen in the checkpoint at the query's first start. */
  private async start(): Promise<string> {
    if (this.startId === undefined) {
      const wanted = this.options.startId === '$' ? ((await this.lastId()) ?? '0-0') : this.options.startId;
      this.startId = await this.ctx.metadata.putIfAbsent('startId', wanted);
    }
    return this.startId;
  }

  private async lastId(): Promise<string | undefined> {
    const { key } = this.options;
    const last = await redisCall(`reading the last entry of stream ${key}`, () => this.redis.xrevrange(key, '+', '-', 'COUNT', 1));
    return last[0]?.[0];
  }

  /**
   * Trimming removes the oldest entries, so entries after `after` can only be gone if `after`
   * itself is (then the first entry left is newer); XDEL of entries in the range shows in the
   * stream's max-deleted-entry-id.
   */
  private async checkNotTrimmed(after: string, to: string): Promise<void> {
    const { key } = this.options;
    const [first, info] = await redisCall(`checking stream ${key}`, () =>
      Promise.all([this.redis.xrange(key, '-', '+', 'COUNT', 1), this.redis.call('XINFO', 'STREAM', key).catch(() => null)]),
    );
    const firstId = first[0]?.[0];
    const fail = (why: string): void => {
      const message =
        `Cannot replay entries (${after}, ${to}] of Redis stream ${key}: ${why}. ` +
        'Entries must stay in the stream until the batch that reads them is committed ' +
        '(or set option failOnDataLoss to false to read what is left).';
      if (this.options.failOnDataLoss) throw new ExecutionError(message, { retryable: false });
      this.ctx.log.warn({ key, after, to }, message);
    };
    const deleted = maxDeletedId(info);
    if (after !== '0-0' && (firstId === undefined || compareStreamIds(firstId, after) > 0)) {
      fail(firstId === undefined ? 'the stream is empty or gone' : `they were trimmed (the first entry left is ${firstId})`);
    } else if (deleted !== undefined && compareStreamIds(deleted, after) > 0 && compareStreamIds(deleted, to) <= 0) {
      fail(`entry ${deleted} was deleted`);
    }
  }
}

/** `max-deleted-entry-id` from XINFO STREAM's flat reply (Redis 7+), when present and not 0-0. */
function maxDeletedId(info: unknown): string | undefined {
  if (!Array.isArray(info)) return undefined;
  const i = info.indexOf('max-deleted-entry-id');
  const v: unknown = i >= 0 ? info[i + 1] : undefined;
  return typeof v === 'string' && v !== '0-0' && parseStreamId(v) ? v : undefined;
}

export interface RedisStreamSourceProvider extends SourceProvider {
  /** Closes the connections this provider opened. */
  close(): Promise<void>;
}

/**
 * The `redis` stream format on the driver:
 * `spark.readStream.format('redis').option('url', 'redis://host:6379').option('key', 'events')
 * .option('startId', '$' | '0-0' | '<id>').load()`. One connection per URL, made by `connect`.
 */
export function redisStreamSourceProvider(connect: RedisConnect): RedisStreamSourceProvider {
  const clients = new ClientsByUrl(connect);
  return {
    ...streamOnlyProvider(
      'redis',
      redisStreamOptions,
      () => REDIS_STREAM_SCHEMA,
      (o, ctx) => new RedisStreamSource(o, clients.get(o.url), ctx),
    ),
    close: () => clients.close(),
  };
}
