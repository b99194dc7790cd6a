import { isUtf8 } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { newlineIndex, utf8LinesVector } from '../../batch/utf8-lines.js';
import { valuesVector, type Vector } from '../../batch/vector.js';
import { ExecutionError } from '../../errors/errors.js';
import type { FileRange } from '../file-splits.js';
import type { InputSplit, SplitReader } from '../split.js';
import { CR, LF, TEXT_SCHEMA, readRangeBytes, textLines } from './text-reader.js';

/**
 * One split's lines, gathered as bytes into one buffer (a whole file is read straight into it),
 * each part's last line ended by '\n' (one is added where the file had none; after a lone '\r'
 * that makes one CR LF terminator, the same line end).
 */
class SplitBytes {
  private buf: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 1024));
  }

  /** Room for `n` more bytes (doubling: a range's last line read past its end may overrun the estimate). */
  reserve(n: number): Buffer {
    if (this.length + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    return this.buf;
  }

  /** Ends the part appended since `from` with '\n', unless it is empty or already does. */
  endPart(from: number): void {
    if (this.length === from || this.buf[this.length - 1] === LF) return;
    this.reserve(1)[this.length++] = LF;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length).set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Reads the file to its end straight into the buffer, if `whole(size)` (else reads nothing and says so). */
  async appendFile(path: string, whole: (size: number) => boolean = () => true): Promise<boolean> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'r');
      const size = (await fh.stat()).size;
      if (!whole(size)) return false;
      this.reserve(size + 1);
      for (let pos = 0; ; ) {
        const buf = this.reserve(Math.max(1, Math.min(size - pos, 64 * 1024)));
        const { bytesRead } = await fh.read(buf, this.length, buf.length - this.length, pos);
        if (bytesRead === 0) break;
        this.length += bytesRead;
        pos += bytesRead;
      }
      return true;
    } catch (e) {
      throw new ExecutionError(`Could not read ${path}: ${(e as Error).message}`, { cause: e });
    } finally {
      await fh?.close();
    }
  }

  /**
   * The lines as one column. '\n'-only, valid UTF-8 (the usual file) stays bytes, as socket lines
   * do (`utf8LinesVector`): SplitAggregate counts words from them with no string per line, and
   * other operators decode them on first use. Anything else (a '\r' terminator, malformed UTF-8)
   * is decoded to strings here, as `readTextRange` does.
   */
  column(): { numRows: number; lines: Vector } {
    if (this.length === 0) return { numRows: 0, lines: valuesVector([]) };
    const all = this.buf.subarray(0, this.length);
    if (all.indexOf(CR) < 0 && isUtf8(all)) {
      // Lines joined by '\n', none after the last (the buffer always ends with one here).
      const joined = all.subarray(0, all.length - 1);
      const at = newlineIndex(joined);
      return { numRows: at.length + 1, lines: utf8LinesVector(joined, at.length + 1, { at, base: 0 }) };
    }
    const lines = textLines(all.toString('utf8'));
    return { numRows: lines.length, lines: valuesVector(lines) };
  }
}

/**
 * One split of a text source batch, read where the task runs (the paths must be visible there):
 * `{files: FileRange[]}` (packed small files and ranges of large ones), or a whole file `{path}`.
 * Its lines stay in one buffer of the files' bytes rather than a string each.
 */
export const textFileReader: SplitReader = {
  name: 'text-file',
  async read(split: InputSplit): Promise<RecordBatch[]> {
    const config = split.config as { path?: string; files?: FileRange[] };
    const ranges = config.files ?? [];
    const bytes = new SplitBytes(ranges.reduce((n, r) => n + r.length + 1, 0));
    for (const r of ranges) {
      const from = bytes.length;
      if (!(await bytes.appendFile(r.path, (size) => r.start === 0 && r.length >= size))) bytes.append(await readRangeBytes(r));
      bytes.endPart(from);
    }
    if (config.files === undefined && config.path !== undefined) {
      await bytes.appendFile(config.path);
      bytes.endPart(0);
    }
    const { numRows, lines } = bytes.column();
    return [recordBatch(TEXT_SCHEMA, numRows, [lines])];
  },
};
