import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * A partition's deltas appended to one file, `<first version>.deltas`, from one snapshot to the
 * next: one append per batch where a file per batch (`<version>.delta`) cost creating, writing,
 * closing and renaming a file per partition per batch — about half of a local reduce with 200
 * partitions. Each record is a line `kindling-delta <version> <bytes>` and then the delta's state
 * file text (`state-file.ts`), `bytes` long. An append cut short by a crash leaves a record
 * without all its bytes at the end: reading stops before it, and the next append cuts it off.
 */
export const SEGMENT_SUFFIX = '.deltas';

const HEAD = 'kindling-delta';
const NEWLINE = 10;

export interface SegmentRecord {
  readonly version: number;
  readonly text: string;
}

/** The complete records of a segment, in order, and how many bytes they take (what follows is torn). */
export function parseSegment(bytes: Buffer): { records: SegmentRecord[]; goodLength: number } {
  const records: SegmentRecord[] = [];
  let at = 0;
  for (;;) {
    const nl = bytes.indexOf(NEWLINE, at);
    if (nl < 0) break;
    const m = /^kindling-delta (\d+) (\d+)$/.exec(bytes.toString('latin1', at, nl));
    if (!m) break;
    const end = nl + 1 + Number(m[2]);
    if (end > bytes.length) break;
    records.push({ version: Number(m[1]), text: bytes.toString('utf8', nl + 1, end) });
    at = end;
  }
  return { records, goodLength: at };
}

export function segmentRecord(version: number, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`${HEAD} ${version} ${body.length}\n`, 'latin1'), body]);
}

/**
 * Appends `record` to the segment at `path`, which must hold `size` good bytes (a torn tail past
 * them is cut off first); returns the new size, or undefined (nothing written) when the file holds
 * less than that: it was lost or cut by someone else, and appending to it would put the record
 * where no reader finds it. On failure the file is cut back to `size` (as far as it can be) so no
 * later record follows a torn one. Synchronous: one short write, on a worker's own thread, is
 * cheaper than the thread-pool round trips of the asynchronous calls.
 */
export function appendToSegment(path: string, size: number, record: Buffer): number | undefined {
  const fd = openSync(path, 'a');
  try {
    const held = fstatSync(fd).size;
    if (held < size) return undefined;
    if (held > size) ftruncateSync(fd, size);
    try {
      let written = 0;
      while (written < record.length) written += writeSync(fd, record, written, record.length - written);
    } catch (e) {
      try {
        ftruncateSync(fd, size);
      } catch {
        // The next append checks the size again before writing.
      }
      throw e;
    }
  } finally {
    closeSync(fd);
  }
  return size + record.length;
}
