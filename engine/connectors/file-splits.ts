import { AnalysisError } from '../errors/errors.js';

/**
 * Spark's FilePartition planning for file sources: files larger than the split size are cut into
 * byte ranges, all ranges sorted by length (largest first) and packed next-fit into partitions of
 * at most `maxSplitBytes`, each range costing its length plus `openCostInBytes`. With
 * maxSplitBytes = min(maxPartitionBytes, max(openCostInBytes, totalBytes / minPartitionNum)), a
 * batch of many small files becomes about one task per core (Spark's FilePartition.maxSplitBytes).
 */

export const MAX_PARTITION_BYTES_CONF = 'spark.sql.files.maxPartitionBytes';
export const OPEN_COST_IN_BYTES_CONF = 'spark.sql.files.openCostInBytes';
export const MIN_PARTITION_NUM_CONF = 'spark.sql.files.minPartitionNum';
export const DEFAULT_MAX_PARTITION_BYTES = 128 * 1024 * 1024;
export const DEFAULT_OPEN_COST_IN_BYTES = 4 * 1024 * 1024;

export interface SizedFile {
  readonly path: string;
  readonly length: number;
}

/** Bytes `[start, start + length)` of one file; a line belongs to the range its first byte is in. */
export interface FileRange {
  readonly path: string;
  readonly start: number;
  readonly length: number;
}

export interface FileSplitOptions {
  readonly maxPartitionBytes: number;
  readonly openCostInBytes: number;
  /** `spark.sql.files.minPartitionNum`, else the default parallelism (total cores). */
  readonly minPartitionNum: number;
}

export function maxSplitBytes(files: readonly SizedFile[], o: FileSplitOptions): number {
  const totalBytes = files.reduce((n, f) => n + f.length + o.openCostInBytes, 0);
  const bytesPerCore = Math.floor(totalBytes / Math.max(1, o.minPartitionNum));
  return Math.min(o.maxPartitionBytes, Math.max(o.openCostInBytes, bytesPerCore));
}

/** The ranges of each partition, in Spark's order. Empty files are kept (as Spark does): they cost an open. */
export function planFilePartitions(files: readonly SizedFile[], o: FileSplitOptions): FileRange[][] {
  const max = maxSplitBytes(files, o);
  const ranges: FileRange[] = [];
  for (const f of files) {
    if (f.length === 0) {
      ranges.push({ path: f.path, start: 0, length: 0 });
      continue;
    }
    for (let start = 0; start < f.length; start += max) ranges.push({ path: f.path, start, length: Math.min(max, f.length - start) });
  }
  // Stable sort, largest first (Spark: sortBy(_.length)(reverse)).
  ranges.sort((a, b) => b.length - a.length);
  const partitions: FileRange[][] = [];
  let current: FileRange[] = [];
  let size = 0;
  for (const r of ranges) {
    if (size + r.length > max && current.length > 0) {
      partitions.push(current);
      current = [];
      size = 0;
    }
    size += r.length + o.openCostInBytes;
    current.push(r);
  }
  if (current.length > 0) partitions.push(current);
  return partitions;
}

/** The options from a session's conf (byte sizes as Spark writes them: `128m`, `4194304`, `1g`). */
export function fileSplitOptions(conf: ((key: string) => string | undefined) | undefined, parallelism: number): FileSplitOptions {
  const bytes = (key: string, dflt: number): number => {
    const v = conf?.(key);
    return v === undefined ? dflt : parseBytes(v, key);
  };
  const min = conf?.(MIN_PARTITION_NUM_CONF);
  return {
    maxPartitionBytes: bytes(MAX_PARTITION_BYTES_CONF, DEFAULT_MAX_PARTITION_BYTES),
    openCostInBytes: bytes(OPEN_COST_IN_BYTES_CONF, DEFAULT_OPEN_COST_IN_BYTES),
    minPartitionNum: min === undefined ? Math.max(1, parallelism) : positiveInt(min, MIN_PARTITION_NUM_CONF),
  };
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

function parseBytes(text: string, key: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) throw new AnalysisError(`${key} should be a positive size in bytes (e.g. 128m), got '${text}'`);
  return Number(m[1]) * unit;
}

function positiveInt(text: string, key: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new AnalysisError(`${key} should be a positive integer, got '${text}'`);
  return n;
}
