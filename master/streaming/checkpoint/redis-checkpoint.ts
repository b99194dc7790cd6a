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
import { runFenced } from './run-fenced.js';
import { decodeCommit, decodeOffsetSeq, encodeCommit, encodeOffsetSeq } from './log-format.js';

/** Lines per LRANGE when reading the write-ahead log back. */
const READ_CHUNK = 10_000;

/** Takes the run lease: returns the new token (one more than any before). */
const ACQUIRE_LEASE = new LuaScript('acquire-lease');

/** A write-once log entry, fenced by the run lease: 1 written, 0 existed, -1 fenced. */
const FENCED_HSETNX = new LuaScript('fenced-log-entry');

/** The token a store writes with, once it took the run lease. */
interface LeaseToken {
  token: number | undefined;
}

async function readLease(redis: RedisClient, checkpoint: string): Promise<RunLease | undefined> {
  const h = await redisCall(`reading the run lease of checkpoint ${checkpoint}`, () => redis.hgetall(CheckpointKeys.runLease(checkpoint)));
  return h['token'] === undefined ? undefined : { token: Number(h['token']), runId: h['runId'] ?? '', since: Number(h['since'] ?? 0) };
}

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

/** Appends one chunk iff the log holds the lines the writer expects (the header of the file says how). */
const APPEND = new LuaScript('append-line-log');

/** Drops the chunks ending at or before a line index and records the new base (the header says how). */
const TRIM = new LuaScript('trim-line-log');

/**
 * The socket source's write-ahead log in Redis: each append is one list element holding its lines
 * (so a trigger costs one small script call, not one element per line), indexed by a list of
 * running totals. It remembers the total it last saw acknowledged: a smaller one means Redis lost
 * acknowledged writes (a crash with a lax fsync policy, a failover to a lagging replica), and
 * replaying would hand batches other lines than they were planned with, so every call then fails.
 */
export class RedisLineLog implements LineLog {
  private known: number | undefined;

  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    readonly endsKey: string,
    readonly baseKey: string,
    private readonly checkpoint: string = '',
    private readonly lease: LeaseToken = { token: undefined },
  ) {}

  async append(lines: readonly string[]): Promise<number> {
    const expected = this.known ?? (await this.length());
    if (lines.length === 0) return expected;
    const token = this.lease.token;
    const raw = await redisCall('appending to the write-ahead log', () =>
      APPEND.run(this.redis, [this.key, this.endsKey, CheckpointKeys.runLease(this.checkpoint)], [expected, lines.length, lines.join('\n'), token ?? '']),
    );
    if (raw === 'FENCED') throw runFenced('the write-ahead log', undefined, token ?? 0, await readLease(this.redis, this.checkpoint));
    const reply = Number(raw);
    await replicated(this.redis, this.key, 'appending to the write-ahead log');
    if (reply >= 0) {
      this.known = reply;
      return reply;
    }
    const actual = -1 - reply;
    if (actual < expected) throw this.lost(actual, expected);
    // A reply lost with the connection makes the client resend the script: the lines are already there.
    if (actual === expected + lines.length) {
      const tail = await this.read(expected, actual);
      if (tail.every((l, i) => l === lines[i])) {
        this.known = actual;
        return actual;
      }
    }
    throw new ExecutionError(
      `The write-ahead log ${this.key} has ${actual} lines where ${expected} were expected: another process is writing to this checkpoint.`,
    );
  }

  async length(): Promise<number> {
    const last = await redisCall('reading the write-ahead log length', () => this.redis.lindex(this.endsKey, -1));
    const n = last === null ? 0 : Number(last);
    if (this.known !== undefined && n < this.known) throw this.lost(n, this.known);
    this.known = n;
    return n;
  }

  /**
   * Drops whole chunks of lines below `before` (the last chunk always stays, so the index keeps the
   * length); the kept lines keep their indexes.
   */
  async trim(before: number): Promise<void> {
    const token = this.lease.token;
    const raw = await redisCall('trimming the write-ahead log', () =>
      TRIM.run(this.redis, [this.key, this.endsKey, this.baseKey, CheckpointKeys.runLease(this.checkpoint)], [before, token ?? '']),
    );
    if (raw === 'FENCED') throw runFenced('the write-ahead log', undefined, token ?? 0, await readLease(this.redis, this.checkpoint));
  }

  /** Lines `[from, to)`: the chunks covering them, found through the index of running totals. */
  async read(from: number, to: number): Promise<string[]> {
    if (to <= from) return [];
    // The base and the index together (a trim between them would shift the chunks under the index).
    const indexed = await redisCall('reading the write-ahead log index', () => this.redis.multi().get(this.baseKey).lrange(this.endsKey, 0, -1).exec());
    const base = Number((indexed?.[0]?.[1] as string | null) ?? 0);
    const ends = ((indexed?.[1]?.[1] as string[] | undefined) ?? []).map(Number);
    const total = ends[ends.length - 1] ?? 0;
    if (total < to) throw this.lost(total, to);
    if (from < base) throw new InternalError(`The write-ahead log ${this.key} was trimmed up to line ${base}, but lines ${from} to ${to} were asked for.`);
    // The first chunk whose end is past `from`.
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ends[mid] as number) <= from) lo = mid + 1;
      else hi = mid;
    }
    let last = lo;
    while ((ends[last] as number) < to) last++;
    // One transaction that checks the base again: a trim since the index was read shifts the chunks.
    const transaction = this.redis.multi().get(this.baseKey);
    for (let i = lo; i <= last; i += READ_CHUNK) transaction.lrange(this.key, i, Math.min(last, i + READ_CHUNK - 1));
    const [baseNow, ...replies] = (await redisCall('reading the write-ahead log', () => transaction.exec())) ?? [];
    if (Number((baseNow?.[1] as string | null) ?? 0) !== base) return this.read(from, to);
    const out: string[] = [];
    let chunkStart = lo === 0 ? base : (ends[lo - 1] as number);
    let index = lo;
    for (const [err, chunks] of replies) {
      if (err) throw new ExecutionError(`Redis failed while reading the write-ahead log: ${err.message}`, { cause: err });
      for (const chunk of chunks as string[]) {
        const chunkLines = chunk.split('\n');
        for (let k = 0; k < chunkLines.length; k++) {
          const offset = chunkStart + k;
          if (offset >= from && offset < to) out.push(chunkLines[k] as string);
        }
        chunkStart = ends[index++] as number;
      }
    }
    if (out.length < to - from) throw this.lost(from + out.length, to);
    return out;
  }

  private lost(actual: number, expected: number): ExecutionError {
    return new ExecutionError(
      `The write-ahead log ${this.key} has ${actual} lines but ${expected} were written and acknowledged: ` +
        'Redis lost acknowledged writes (use appendonly yes with appendfsync always), so the logged batches cannot be replayed.',
      { retryable: false },
    );
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
