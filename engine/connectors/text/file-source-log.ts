import { ExecutionError, IllegalArgumentError } from '../../errors/errors.js';
import type { SourceMetadataLog } from '../source.js';
import { versionedLines } from '../source-log.js';

/** One file a batch of the file source read (Spark's FileStreamSource.FileEntry). */
export interface FileEntry {
  /** The file as a URL-encoded `file://` URL. */
  readonly path: string;
  /** Its modification time (ms) when it was listed. */
  readonly timestamp: number;
  /** The source's own log offset (batch of the file log), not the query's batch id. */
  readonly batchId: number;
}

export const FILE_SOURCE_LOG_VERSION = 1;
export const COMPACT_FILE_SUFFIX = '.compact';
export const COMPACT_INTERVAL_CONF = 'spark.sql.streaming.fileSource.log.compactInterval';
export const DEFAULT_COMPACT_INTERVAL = 10;

/** `v1`, then one JSON object per line (no trailing newline), as Spark's CompactibleFileStreamLog writes. */
export function encodeFileEntries(entries: readonly FileEntry[]): string {
  return `v${FILE_SOURCE_LOG_VERSION}${entries.map((e) => `\n${JSON.stringify({ path: e.path, timestamp: e.timestamp, batchId: e.batchId })}`).join('')}`;
}

export function decodeFileEntries(text: string, where: string): FileEntry[] {
  return versionedLines(text, FILE_SOURCE_LOG_VERSION, where)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      let e: Partial<FileEntry>;
      try {
        e = JSON.parse(line) as Partial<FileEntry>;
      } catch (err) {
        throw new ExecutionError(`Cannot parse the file source log entry ${where}: ${(err as Error).message}`, { cause: err });
      }
      if (typeof e.path !== 'string' || typeof e.timestamp !== 'number' || typeof e.batchId !== 'number') {
        throw new ExecutionError(`Cannot parse the file source log entry ${where}: ${line.slice(0, 80)} lacks path, timestamp or batchId.`);
      }
      return { path: e.path, timestamp: e.timestamp, batchId: e.batchId };
    });
}

/** Every `interval` batches the log compacts: with 10, batches 9, 19, 29, ... (Spark's rule). */
export function isCompactionBatch(batchId: number, interval: number): boolean {
  return (batchId + 1) % interval === 0;
}

/** The entries needed to know every file up to `batchId`: the last compaction batch, then the rest. */
export function allValidBatches(batchId: number, interval: number): number[] {
  const start = Math.max(0, Math.floor((batchId + 1) / interval) * interval - 1);
  return range(start, batchId + 1);
}

/** What a compaction batch merges: the previous compaction batch and the batches since. */
export function batchesBeforeCompaction(compactionBatchId: number, interval: number): number[] {
  return range(Math.max(0, compactionBatchId - interval), compactionBatchId);
}

/**
 * Spark's deriveCompactInterval: with one `.compact` file in the log, an interval compatible with
 * it (a divisor of its id + 1) and as close to the configured one as possible.
 */
export function deriveCompactInterval(defaultInterval: number, latestCompactBatchId: number): number {
  const n = latestCompactBatchId + 1;
  if (n <= defaultInterval) return n;
  if (defaultInterval < n / 2) {
    for (let i = defaultInterval; i <= Math.floor(n / 2); i++) if (n % i === 0) return i;
  }
  return n;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/**
 * Spark's FileStreamSourceLog over a source's checkpoint entries: batch N is entry `N` (`N.compact`
 * for compaction batches, which hold every entry so far). The compact interval is the configured
 * one unless the log already has `.compact` entries, whose spacing then wins (as in Spark).
 * Old entries are not deleted.
 */
export class FileStreamSourceLog {
  private interval: number | undefined;
  /**
   * Entries this process wrote or read, by name, newest last: planning a batch reads the entry
   * its offsets step just wrote, and a compaction reads the entries since the previous one; the
   * store's entries are write-once, so these copies stay exact. Kept to about two intervals.
   */
  private readonly known = new Map<string, FileEntry[]>();

  constructor(
    private readonly store: SourceMetadataLog,
    private readonly defaultInterval: number,
  ) {
    if (!Number.isInteger(defaultInterval) || defaultInterval <= 0) {
      throw new IllegalArgumentError(`requirement failed: Please set ${COMPACT_INTERVAL_CONF} (was ${defaultInterval}) to a positive value.`);
    }
  }

  /** The interval in force: fixed at first use from the entries present then. */
  async compactInterval(): Promise<number> {
    if (this.interval === undefined) {
      const compacts = (await this.batchIds()).filter((b) => b.compact).map((b) => b.id).sort((a, b) => b - a);
      let interval = this.defaultInterval;
      if (compacts.length >= 2) interval = (compacts[0] as number) - (compacts[1] as number);
      else if (compacts.length === 1) interval = deriveCompactInterval(this.defaultInterval, compacts[0] as number);
      this.interval = interval;
    }
    return this.interval;
  }

  async latestBatchId(): Promise<number | undefined> {
    const ids = (await this.batchIds()).map((b) => b.id);
    return ids.length === 0 ? undefined : Math.max(...ids);
  }

  /** Writes batch `batchId` once; false when the entry exists with other content (another writer). */
  async add(batchId: number, entries: readonly FileEntry[]): Promise<boolean> {
    const interval = await this.compactInterval();
    let all: readonly FileEntry[] = entries;
    if (isCompactionBatch(batchId, interval)) {
      const before: FileEntry[] = [];
      for (const id of batchesBeforeCompaction(batchId, interval)) before.push(...(await this.require(id)));
      all = [...before, ...entries];
    }
    const name = await this.entryName(batchId);
    const text = encodeFileEntries(all);
    const stored = await this.store.putIfAbsent(name, text);
    if (stored !== text) return false;
    this.remember(name, [...all], interval);
    return true;
  }

  /** The files batch `batchId` of the log holds. */
  async get(batchId: number): Promise<FileEntry[]> {
    return (await this.require(batchId)).filter((e) => e.batchId === batchId);
  }

  /** Every file the log holds (what a restarted source has already seen). */
  async allFiles(): Promise<FileEntry[]> {
    const latest = await this.latestBatchId();
    if (latest === undefined) return [];
    const interval = await this.compactInterval();
    const out: FileEntry[] = [];
    for (const id of allValidBatches(latest, interval)) out.push(...(await this.require(id)));
    return out;
  }

  /** All entries stored under batch `batchId`'s name (a compaction entry holds earlier batches too). */
  private async require(batchId: number): Promise<FileEntry[]> {
    const name = await this.entryName(batchId);
    const known = this.known.get(name);
    if (known) return known;
    const text = await this.store.get(name);
    if (text === undefined) {
      const latest = (await this.latestBatchId()) ?? -1;
      throw new ExecutionError(
        `The file source log entry ${name} doesn't exist (latestId: ${latest}, compactInterval: ${await this.compactInterval()}).`,
      );
    }
    const entries = decodeFileEntries(text, `file source log entry ${name}`);
    this.remember(name, entries, await this.compactInterval());
    return entries;
  }

  private remember(name: string, entries: FileEntry[], interval: number): void {
    this.known.delete(name);
    this.known.set(name, entries);
    for (const oldest of this.known.keys()) {
      if (this.known.size <= 2 * interval + 1) break;
      this.known.delete(oldest);
    }
  }

  private async entryName(batchId: number): Promise<string> {
    return isCompactionBatch(batchId, await this.compactInterval()) ? `${batchId}${COMPACT_FILE_SUFFIX}` : String(batchId);
  }

  private async batchIds(): Promise<{ id: number; compact: boolean }[]> {
    const out: { id: number; compact: boolean }[] = [];
    for (const name of await this.store.names()) {
      const m = /^(\d+)(\.compact)?$/.exec(name);
      if (m) out.push({ id: Number(m[1]), compact: m[2] !== undefined });
    }
    return out;
  }
}
