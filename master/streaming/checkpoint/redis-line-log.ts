import type { LineLog, ReceivedLines } from '../../../engine/connectors/source.js';
import { ExecutionError, InternalError } from '../../../engine/errors/errors.js';
import { CheckpointKeys } from '../../../infra/redis/keys.js';
import { redisCall, replicated, type RedisClient } from '../../../infra/redis/call.js';
import { LuaScript } from '../../../infra/redis/lua-script.js';
import { decodeChunk, encodePlainChunk, encodeReceivedChunk } from './line-log-chunk.js';
import { readLease, runFenced, type LeaseToken } from './run-fenced.js';

/** Lines per LRANGE when reading the write-ahead log back. */
const READ_CHUNK = 10_000;

/** The reused append buffer's size: an append takes about 1 MB (socket-source.ts), one with a longer line gets its own. */
const MAX_SCRATCH_BYTES = 2 * 1024 * 1024;

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
  /** Where `appendReceived` writes a chunk: appends are one at a time, and a new buffer each was garbage for a full GC. */
  private scratch: Buffer = Buffer.alloc(0);

  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    readonly endsKey: string,
    readonly baseKey: string,
    private readonly checkpoint: string = '',
    private readonly lease: LeaseToken = { token: undefined },
  ) {}

  append(lines: readonly string[]): Promise<number> {
    return this.appendChunk(encodePlainChunk(lines), lines.length, () => lines);
  }

  /** One time per run of lines (line-log-chunk.ts), written into a buffer reused by the next append. */
  appendReceived(lines: ReceivedLines): Promise<number> {
    if (this.scratch.length === 0) this.scratch = Buffer.allocUnsafeSlow(MAX_SCRATCH_BYTES);
    const chunk = encodeReceivedChunk(lines, this.scratch);
    return this.appendChunk(chunk, lines.count, () => decodeChunk(chunk.toString('utf8')));
  }

  /** `sent`: the lines this chunk reads back as, made only to recognise a resent append after a lost reply. */
  private async appendChunk(chunk: string | Buffer, count: number, sent: () => readonly string[]): Promise<number> {
    const expected = this.known ?? (await this.length());
    if (count === 0) return expected;
    const token = this.lease.token;
    const raw = await redisCall('appending to the write-ahead log', () =>
      APPEND.run(this.redis, [this.key, this.endsKey, CheckpointKeys.runLease(this.checkpoint)], [expected, count, chunk, token ?? '']),
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
    if (actual === expected + count) {
      const logged = await this.read(expected, actual);
      const lines = sent();
      if (logged.every((l, i) => l === lines[i])) {
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
        const chunkLines = decodeChunk(chunk);
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
