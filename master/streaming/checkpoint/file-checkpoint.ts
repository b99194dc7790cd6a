import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { LineLog, SourceMetadataLog } from '../../../engine/connectors/source.js';
import { ExecutionError, InternalError } from '../../../engine/errors/errors.js';
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

/** Writes `path` only if it does not exist yet, atomically (temp file + hard link). */
async function writeOnce(path: string, text: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  await writeFile(tmp, text);
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ExecutionError(`Cannot write ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A mutex directory older than this was left by a crashed process: taken over. */
const MUTEX_STALE_MS = 10_000;

/** Runs `step` while holding the directory `path` as a cross-process mutex (mkdir is atomic). */
async function withMutex<T>(path: string, step: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ExecutionError(`Cannot lock ${path}: ${(e as Error).message}`, { cause: e });
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > MUTEX_STALE_MS) await rmdir(path).catch(() => undefined);
      else await new Promise((r) => setTimeout(r, 10));
    }
  }
  try {
    return await step();
  } finally {
    await rmdir(path).catch(() => undefined);
  }
}

/** The run lease file (`run-lease`): JSON `{token, runId, since}`. */
class FileRunLease {
  /** The token this store writes with, once it took the lease. */
  token: number | undefined;
  constructor(private readonly dir: string) {}

  async read(): Promise<RunLease | undefined> {
    const text = await readText(join(this.dir, 'run-lease'));
    if (text === undefined) return undefined;
    try {
      const l = JSON.parse(text) as RunLease;
      if (!Number.isInteger(l.token)) throw new Error('no token');
      return l;
    } catch (e) {
      throw new ExecutionError(`Cannot parse the run lease ${join(this.dir, 'run-lease')}: ${(e as Error).message}`, { cause: e });
    }
  }

  async acquire(runId: string): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    return withMutex(join(this.dir, 'run-lease.lock'), async () => {
      const token = ((await this.read())?.token ?? 0) + 1;
      const tmp = join(this.dir, `run-lease.${randomUUID()}.tmp`);
      await writeFile(tmp, JSON.stringify({ token, runId, since: Date.now() }));
      await rename(tmp, join(this.dir, 'run-lease'));
      this.token = token;
      return token;
    });
  }

  /** Throws CONCURRENT_STREAM_LOG_UPDATE when a newer run took the lease. */
  async check(what: string, batchId: number): Promise<void> {
    if (this.token === undefined) return;
    const holder = await this.read();
    if (holder?.token !== this.token) throw runFenced(what, batchId, this.token, holder);
  }
}

/** A directory of files named by batch id, in Spark's `v1` text format. */
class FileMetadataLog<T> implements MetadataLog<T> {
  constructor(
    private readonly dir: string,
    private readonly lease: FileRunLease,
    private readonly encode: (v: T) => string,
    private readonly decode: (text: string, where: string) => T,
  ) {}

  async add(batchId: number, value: T): Promise<boolean> {
    await this.lease.check(join(this.dir, String(batchId)), batchId);
    return writeOnce(join(this.dir, String(batchId)), this.encode(value));
  }

  async get(batchId: number): Promise<T | undefined> {
    const text = await readText(join(this.dir, String(batchId)));
    return text === undefined ? undefined : this.decode(text, join(this.dir, String(batchId)));
  }

  async latest(): Promise<{ batchId: number; value: T } | undefined> {
    return latestEntry(await this.ids(), (batchId) => this.get(batchId));
  }

  async purge(belowBatchId: number): Promise<void> {
    const ids = await this.ids();
    await Promise.all(ids.filter((id) => id < belowBatchId).map((id) => rm(join(this.dir, String(id)), { force: true })));
  }

  private async ids(): Promise<number[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return batchIds(names);
  }
}

/** A source's files under `sources/<i>/`, one per name (the rate source's `0`, the file source's log). */
class FileSourceMetadata implements SourceMetadataLog {
  constructor(private readonly dir: string) {}
  get(name: string): Promise<string | undefined> {
    return readText(join(this.dir, name));
  }
  async putIfAbsent(name: string, value: string): Promise<string> {
    await writeOnce(join(this.dir, name), value);
    return (await readText(join(this.dir, name))) ?? value;
  }
  async names(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => !n.endsWith('.tmp'));
  }
}

/** A line index and the byte it starts at. */
interface LinePosition {
  readonly line: number;
  readonly byte: number;
}

/**
 * Calls `onLine(bytes)` for each `\n`-ended line of the file from line `from` up to `to`,
 * streaming it from `at` (a known line start at or before `from`): a write-ahead log after a
 * flood is larger than a JavaScript string may be. Returns where it stopped. A missing file has no lines.
 */
async function scanLines(path: string, at: LinePosition, from: number, to: number, onLine?: (bytes: Buffer) => void): Promise<LinePosition> {
  let index = at.line;
  let byte = at.byte;
  let partial: Buffer[] = [];
  const stream = createReadStream(path, { start: at.byte });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        if (onLine && index >= from) onLine(partial.length === 0 ? chunk.subarray(start, nl) : Buffer.concat([...partial, chunk.subarray(start, nl)]));
        partial = [];
        byte += nl + 1 - start;
        start = nl + 1;
        if (++index >= to) return { line: index, byte };
      }
      if (onLine && index >= from && start < chunk.length) partial.push(chunk.subarray(start));
      byte += chunk.length - start;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  } finally {
    stream.destroy();
  }
  return { line: index, byte };
}

/** Bytes after which the file line log starts a new segment (only whole segments can be trimmed). */
export const LINE_LOG_SEGMENT_BYTES = 64 * 1024 * 1024;

/** One file of the line log: its lines are `start` onwards, up to the next segment's start. */
interface Segment {
  readonly start: number;
  readonly path: string;
}

/**
 * An append-only log of records, one per line, fsynced before `append` resolves, in segment files:
 * `wal` holds the lines from 0 (a log written before segments is that one file), `wal.<n>` the lines
 * from n on. A segment is closed once it passes `segmentBytes`, and `trim` deletes closed segments
 * whose lines all lie below the given index, oldest first (a crash in between leaves a contiguous log).
 */
export class FileLineLog implements LineLog {
  private segments: Segment[] | undefined;
  private loading: Promise<Segment[]> | undefined;
  private count = 0;
  /** Bytes in the last segment. */
  private tailBytes = 0;
  /** Where the last read stopped (in a segment, lines counted from its start): batches re-read after a restart go forward. */
  private mark: { readonly path: string; readonly at: LinePosition } | undefined;

  constructor(
    private readonly path: string,
    private readonly segmentBytes: number = LINE_LOG_SEGMENT_BYTES,
  ) {}

  append(lines: readonly string[]): Promise<number> {
    return this.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`, lines.length);
  }

  appendRecords(records: Uint8Array, count: number): Promise<number> {
    return this.write(records, count);
  }

  private async write(data: string | Uint8Array, count: number): Promise<number> {
    const segments = await this.load();
    if (count === 0) return this.count;
    await mkdir(dirname(this.path), { recursive: true });
    let last = segments[segments.length - 1] as Segment;
    const rolled = this.tailBytes >= this.segmentBytes && this.count > last.start;
    if (rolled) {
      last = { start: this.count, path: `${this.path}.${this.count}` };
      segments.push(last);
      this.tailBytes = 0;
    }
    const fh = await open(last.path, 'a');
    try {
      await fh.writeFile(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    // A new file's name is durable once its directory is synced.
    if (rolled) await syncDirectory(dirname(this.path));
    this.tailBytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.count += count;
    return this.count;
  }

  async length(): Promise<number> {
    await this.load();
    return this.count;
  }

  async read(from: number, to: number): Promise<string[]> {
    const out: string[] = [];
    if (to <= from) return out;
    // A copy: a trim meanwhile drops segments from the front (only ones below what a reader may ask for).
    const segments = [...(await this.load())];
    const first = (segments[0] as Segment).start;
    if (from < first) throw new InternalError(`The write-ahead log ${this.path} was trimmed up to line ${first}, but lines ${from} to ${to} were asked for.`);
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as Segment;
      const segEnd = i + 1 < segments.length ? (segments[i + 1] as Segment).start : Number.POSITIVE_INFINITY;
      if (segEnd <= from || seg.start >= to) continue;
      const lo = Math.max(from, seg.start) - seg.start;
      const hi = Math.min(to, segEnd) - seg.start;
      const mark = this.mark?.path === seg.path && this.mark.at.line <= lo ? this.mark.at : { line: 0, byte: 0 };
      const end = await scanLines(seg.path, mark, lo, hi, (bytes) => out.push(bytes.toString('utf8')));
      // Only a complete line end is a safe place to continue from.
      if (end.line === hi) this.mark = { path: seg.path, at: end };
    }
    return out;
  }

  async trim(before: number): Promise<void> {
    const segments = await this.load();
    let drop = 0;
    while (drop + 1 < segments.length && (segments[drop + 1] as Segment).start <= before) drop++;
    for (let i = 0; i < drop; i++) await rm((segments[i] as Segment).path, { force: true });
    // Appends only ever add segments at the end, so the first `drop` are still the ones deleted.
    segments.splice(0, drop);
  }

  private load(): Promise<Segment[]> {
    if (this.segments) return Promise.resolve(this.segments);
    this.loading ??= this.scan().then((s) => (this.segments = s));
    return this.loading;
  }

  private async scan(): Promise<Segment[]> {
    const dir = dirname(this.path);
    const name = basename(this.path);
    const segments: Segment[] = [];
    for (const n of await readdir(dir).catch(() => [] as string[])) {
      if (n === name) segments.push({ start: 0, path: this.path });
      else if (n.startsWith(`${name}.`) && /^[0-9]+$/.test(n.slice(name.length + 1))) segments.push({ start: Number(n.slice(name.length + 1)), path: join(dir, n) });
    }
    segments.sort((a, b) => a.start - b.start);
    if (segments.length === 0) segments.push({ start: 0, path: this.path });
    const last = segments[segments.length - 1] as Segment;
    const end = await scanLines(last.path, { line: 0, byte: 0 }, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    this.count = last.start + end.line;
    this.tailBytes = end.byte;
    return segments;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A checkpoint directory laid out like Spark's (readable by a person). */
export class FileCheckpointStore implements CheckpointStore {
  readonly offsets: MetadataLog<OffsetSeq>;
  readonly commits: MetadataLog<CommitMetadata>;
  private readonly lease: FileRunLease;

  constructor(
    readonly location: string,
    readonly temporary: boolean,
  ) {
    this.lease = new FileRunLease(location);
    this.offsets = new FileMetadataLog(join(location, 'offsets'), this.lease, encodeOffsetSeq, decodeOffsetSeq);
    this.commits = new FileMetadataLog(join(location, 'commits'), this.lease, encodeCommit, decodeCommit);
  }

  /** The lease file `run-lease` holds the newest token; taken under the `run-lease.lock` mutex. */
  acquireRunLease(runId: string): Promise<number> {
    return this.lease.acquire(runId);
  }

  async readMetadata(): Promise<CheckpointMetadata | undefined> {
    const text = await readText(join(this.location, 'metadata'));
    return text === undefined ? undefined : (JSON.parse(text) as CheckpointMetadata);
  }

  async writeMetadata(meta: CheckpointMetadata): Promise<CheckpointMetadata> {
    await writeOnce(join(this.location, 'metadata'), JSON.stringify(meta));
    return (await this.readMetadata()) ?? meta;
  }

  sourceMetadata(sourceIndex: number): SourceMetadataLog {
    return new FileSourceMetadata(join(this.location, 'sources', String(sourceIndex)));
  }

  lineLog(sourceIndex: number): LineLog {
    return new FileLineLog(join(this.location, 'sources', String(sourceIndex), 'wal'));
  }

  async destroy(): Promise<void> {
    await rm(this.location, { recursive: true, force: true });
  }
}

export class FileCheckpointStoreFactory implements CheckpointStoreFactory {
  constructor(private readonly tempRoot: string = join(tmpdir(), `kindling-${process.pid}`)) {}

  open(location: string, temporary: boolean): Promise<CheckpointStore> {
    return Promise.resolve(new FileCheckpointStore(resolve(location.replace(/^file:(\/\/)?/, '')), temporary));
  }

  temporaryLocation(): string {
    return join(this.tempRoot, `temporary-${randomUUID()}`);
  }
}


