import { ExecutionError } from '../../../engine/errors/errors.js';
import type { CommitMetadata, OffsetSeq } from './checkpoint-store.js';

/**
 * Spark's `v1` texts for the offset and commit logs, byte for byte what the file checkpoint writes:
 * offsets are `v1`, the OffsetSeqMetadata JSON, then one line per source (its offset JSON or `-`);
 * commits are `v1` and the CommitMetadata JSON.
 */
export function encodeOffsetSeq(o: OffsetSeq): string {
  const meta = { batchWatermarkMs: o.batchWatermarkMs, batchTimestampMs: o.batchTimestampMs, conf: o.conf };
  return ['v1', JSON.stringify(meta), ...o.offsets.map((x) => (x === null ? '-' : JSON.stringify(x)))].join('\n');
}

/** `where` names the entry (e.g. `offsets/7 of checkpoint q1`) in the error a bad entry raises. */
export function decodeOffsetSeq(text: string, where: string): OffsetSeq {
  const [version, meta, ...sources] = text.split('\n');
  if (version !== 'v1' || meta === undefined) throw badEntry(where, text, 'expected a v1 offset log entry');
  try {
    const m = JSON.parse(meta) as Partial<OffsetSeq>;
    if (typeof m.batchWatermarkMs !== 'number' || typeof m.batchTimestampMs !== 'number') {
      throw new Error('batchWatermarkMs and batchTimestampMs must be numbers');
    }
    return {
      batchWatermarkMs: m.batchWatermarkMs,
      batchTimestampMs: m.batchTimestampMs,
      conf: m.conf ?? {},
      offsets: sources.map((s) => (s === '-' ? null : (JSON.parse(s) as unknown))),
    };
  } catch (e) {
    throw badEntry(where, text, (e as Error).message, e);
  }
}

export function encodeCommit(c: CommitMetadata): string {
  return `v1\n${JSON.stringify({ nextBatchWatermarkMs: c.nextBatchWatermarkMs })}`;
}

export function decodeCommit(text: string, where: string): CommitMetadata {
  const [version, meta] = text.split('\n');
  if (version !== 'v1') throw badEntry(where, text, 'expected a v1 commit log entry');
  if (meta === undefined || meta === '') return { nextBatchWatermarkMs: 0 };
  try {
    const m = JSON.parse(meta) as Partial<CommitMetadata>;
    return { nextBatchWatermarkMs: typeof m.nextBatchWatermarkMs === 'number' ? m.nextBatchWatermarkMs : 0 };
  } catch (e) {
    throw badEntry(where, text, (e as Error).message, e);
  }
}

function badEntry(where: string, text: string, why: string, cause?: unknown): ExecutionError {
  const head = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return new ExecutionError(`Cannot parse checkpoint log entry ${where}: ${why} (found ${JSON.stringify(head)})`, { cause });
}
