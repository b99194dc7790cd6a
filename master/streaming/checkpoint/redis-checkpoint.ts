import { randomUUID } from 'node:crypto';
import type { LineLog, SourceMetadataLog } from '../../../engine/connectors/source.js';
import { ExecutionError, InternalError } from '../../../engine/errors/errors.js';
import { CheckpointKeys, StateKeys } from '../../../infra/redis/keys.js';
import { redisCall, replicated, unlinkMatching, type RedisClient } from '../../../infra/redis/call.js';
import { LuaScript } from '../../../infra/redis/lua-script.js';
import {
  batchIds,
  latestEntry,
  type CheckpointMetadata,
  type CheckpointStore,
  type CheckpointStoreFactory,
  type CommitMetadata,
  type MetadataLog,
  type OffsetSeq,
  type RunLease,
} from './checkpoint-store.js';
import { readLease, runFenced, type LeaseToken } from './run-fenced.js';
import { RedisLineLog } from './redis-line-log.js';
import { decodeCommit, decodeOffsetSeq, encodeCommit, encodeOffsetSeq } from './log-format.js';

/** Takes the run lease: returns the new token (one more than any before). */
const ACQUIRE_LEASE = new LuaScript('acquire-lease');

/** A write-once log entry, fenced by the run lease: 1 written, 0 existed, -1 fenced. */
const FENCED_HSETNX = new LuaScript('fenced-log-entry');

/** A hash of batch id → Spark `v1` text; HSETNX makes every entry write-once. */
class RedisMetadataLog<T> implements MetadataLog<T> {
  /** Every entry below this was purged by this process: later purges delete by id, without listing. */
  private purgedBelow: number | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly lease: LeaseToken,
    private readonly key: string,
    /** `offsets` or `commits`, for messages. */
    private readonly log: string,
    private readonly checkpoint: string,
    private readonly encode: (v: T) => string,
    private readonly decode: (text: string, where: string) => T,
  ) {}

  async add(batchId: number, value: T): Promise<boolean> {
    const text = this.encode(value);
    const token = this.lease.token;
    if (token === undefined) {
      const added = (await redisCall(`writing ${this.entry(batchId)}`, () => this.redis.hsetnx(this.key, String(batchId), text))) === 1;
      await replicated(this.redis, this.key, `writing ${this.entry(batchId)}`);
      return added;
    }
    const leaseKey = CheckpointKeys.runLease(this.checkpoint);
    const reply = Number(
      await redisCall(`writing ${this.entry(batchId)}`, () => FENCED_HSETNX.run(this.redis, [leaseKey, this.key], [token, batchId, text])),
    );
    if (reply < 0) throw runFenced(`${this.log}/${batchId}`, batchId, token, await readLease(this.redis, this.checkpoint));
    await replicated(this.redis, this.key, `writing ${this.entry(batchId)}`);
    return reply === 1;
  }

  async get(batchId: number): Promise<T | undefined> {
    const text = await redisCall(`reading ${this.entry(batchId)}`, () => this.redis.hget(this.key, String(batchId)));
    return text === null ? undefined : this.decode(text, this.entry(batchId));
  }

  async latest(): Promise<{ batchId: number; value: T } | undefined> {
    return latestEntry(await this.ids(), (batchId) => this.get(batchId));
  }

  async purge(belowBatchId: number): Promise<void> {
    const from = this.purgedBelow;
    if (from !== undefined && belowBatchId <= from) return;
    const old = (from === undefined ? (await this.ids()).filter((id) => id < belowBatchId) : range(from, belowBatchId)).map(String);
    for (let i = 0; i < old.length; i += 1000) {
      const chunk = old.slice(i, i + 1000);
      await redisCall(`purging ${this.log} of checkpoint ${this.checkpoint}`, () => this.redis.hdel(this.key, ...chunk));
    }
    this.purgedBelow = belowBatchId;
  }

  private async ids(): Promise<number[]> {
    const fields = await redisCall(`listing ${this.log} of checkpoint ${this.checkpoint}`, () => this.redis.hkeys(this.key));
    return batchIds(fields);
  }

  private entry(batchId: number): string {
    return `${this.log}/${batchId} of checkpoint ${this.checkpoint}`;
  }
}

/**
 * A source's metadata as one hash: field = the name a file checkpoint uses under `sources/<i>/`
 * (`0` for the rate source's start time, `<n>` / `<n>.compact` for the file source log), value =
 * the same Spark text, so both stores hold the same entries.
 */
class RedisSourceMetadata implements SourceMetadataLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  get(name: string): Promise<string | undefined> {
    return redisCall(`reading source metadata ${name}`, async () => (await this.redis.hget(this.key, name)) ?? undefined);
  }

  async putIfAbsent(name: string, value: string): Promise<string> {
    const replies = await redisCall(`writing source metadata ${name}`, () =>
      this.redis.multi().hsetnx(this.key, name, value).hget(this.key, name).exec(),
    );
    await replicated(this.redis, this.key, `writing source metadata ${name}`);
    const stored = replies?.[1]?.[1];
    return typeof stored === 'string' ? stored : value;
  }

  names(): Promise<string[]> {
    return redisCall('listing source metadata', () => this.redis.hkeys(this.key));
  }
}

/**
 * A checkpoint kept in Redis under a name (any string): `metadata` (SET NX), `offsets` and
 * `commits` (hashes of batch id → Spark's v1 text, write-once with HSETNX), per-source metadata
 * hashes and write-ahead-log lists. Keys come from `CheckpointKeys`.
 */
export class RedisCheckpointStore implements CheckpointStore {
  readonly offsets: MetadataLog<OffsetSeq>;
  readonly commits: MetadataLog<CommitMetadata>;
  private readonly lease: LeaseToken = { token: undefined };

  constructor(
    private readonly redis: RedisClient,
    readonly location: string,
    readonly temporary: boolean,
  ) {
    this.offsets = new RedisMetadataLog(redis, this.lease, CheckpointKeys.offsets(location), 'offsets', location, encodeOffsetSeq, decodeOffsetSeq);
    this.commits = new RedisMetadataLog(redis, this.lease, CheckpointKeys.commits(location), 'commits', location, encodeCommit, decodeCommit);
  }

  async acquireRunLease(runId: string): Promise<number> {
    const key = CheckpointKeys.runLease(this.location);
    const token = Number(await redisCall(`taking the run lease of checkpoint ${this.location}`, () => ACQUIRE_LEASE.run(this.redis, [key], [runId, Date.now()])));
    this.lease.token = token;
    return token;
  }

  async readMetadata(): Promise<CheckpointMetadata | undefined> {
    const key = CheckpointKeys.metadata(this.location);
    const text = await redisCall('reading checkpoint metadata', () => this.redis.get(key));
    if (text === null) return undefined;
    try {
      const meta = JSON.parse(text) as Partial<CheckpointMetadata>;
      if (typeof meta.id !== 'string') throw new Error('no query id');
      return { id: meta.id };
    } catch (e) {
      throw new ExecutionError(`Cannot parse the metadata of checkpoint ${this.location} (${key}): ${(e as Error).message}`, { cause: e });
    }
  }

  async writeMetadata(meta: CheckpointMetadata): Promise<CheckpointMetadata> {
    const key = CheckpointKeys.metadata(this.location);
    await redisCall('writing checkpoint metadata', () => this.redis.set(key, JSON.stringify({ id: meta.id }), 'NX'));
    await replicated(this.redis, key, 'writing checkpoint metadata');
    return (await this.readMetadata()) ?? meta;
  }

  sourceMetadata(sourceIndex: number): SourceMetadataLog {
    return new RedisSourceMetadata(this.redis, CheckpointKeys.sourceMetadata(this.location, sourceIndex));
  }

  lineLog(sourceIndex: number): LineLog {
    return new RedisLineLog(
      this.redis,
      CheckpointKeys.sourceLog(this.location, sourceIndex),
      CheckpointKeys.sourceLogEnds(this.location, sourceIndex),
      CheckpointKeys.sourceLogBase(this.location, sourceIndex),
      this.location,
      this.lease,
    );
  }

  /** Removes the checkpoint's keys and the state its queries kept under the same name. */
  async destroy(): Promise<void> {
    await redisCall(`deleting checkpoint ${this.location}`, async () => {
      await unlinkMatching(this.redis, CheckpointKeys.pattern(this.location));
      await unlinkMatching(this.redis, StateKeys.pattern(this.location));
    });
  }
}

/** Checkpoints in Redis (one, or a Redis Cluster: each checkpoint's keys share one slot): a location is a checkpoint name; temporary ones get a fresh name. */
export class RedisCheckpointStoreFactory implements CheckpointStoreFactory {
  constructor(private readonly redis: RedisClient) {}

  open(location: string, temporary: boolean): Promise<CheckpointStore> {
    return Promise.resolve(new RedisCheckpointStore(this.redis, location, temporary));
  }

  temporaryLocation(): string {
    return `temporary-${randomUUID()}`;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
