import { open, readFile, type FileHandle } from 'node:fs/promises';
import { ExecutionError } from '../../errors/errors.js';
import { T } from '../../types/data-type.js';
import { schemaOf } from '../../types/schema.js';
import type { FileRange } from '../file-splits.js';

export const TEXT_SCHEMA = schemaOf([T.field('value', T.string)]);

/** Splits file content into lines the way Hadoop's LineRecordReader does (`\n`, `\r\n`, `\r`). */
export function textLines(content: string): string[] {
  if (content === '') return [];
  const lines = content.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export async function readTextFile(path: string): Promise<string[]> {
  return textLines((await readWholeFile(path)).toString('utf8'));
}

export async function readWholeFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new ExecutionError(`Could not read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export const LF = 10;
export const CR = 13;

/**
 * The lines whose first byte is in `[start, start + length)`: a range not at the file's start
 * skips the line it begins inside, and the last line is read past the range's end to its
 * terminator. Ranges that tile a file therefore read each line exactly once.
 */
export async function readTextRange(range: FileRange): Promise<string[]> {
  return textLines((await readRangeBytes(range)).toString('utf8'));
}

/**
 * The bytes of the lines `readTextRange` reads, terminators included (the last line's may be
 * missing at the end of the file): decoded whole and split by `textLines`, they are its lines.
 */
export async function readRangeBytes(range: FileRange): Promise<Buffer> {
  const { path, start, length } = range;
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    const file = fh;
    const size = (await file.stat()).size;
    if (start === 0 && length >= size) return await file.readFile();
    const end = Math.min(size, start + length);
    // From one byte before the range (it tells whether a line starts at `start`), reading on past `end` as lines need.
    const from = Math.max(0, start - 1);
    let buf: Buffer = Buffer.alloc(0);
    let pos = from;
    const more = async (): Promise<boolean> => {
      if (pos >= size) return false;
      const chunk = Buffer.alloc(Math.min(Math.max(end - pos, 64 * 1024), size - pos));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, pos);
      pos += bytesRead;
      buf = buf.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([buf, chunk.subarray(0, bytesRead)]);
      return bytesRead > 0;
    };
    /** The index just past the terminator of the line holding `i` (CR LF is one terminator), or buf.length at EOF. */
    const nextLine = async (i: number): Promise<number> => {
      for (;;) {
        while (i < buf.length && buf[i] !== LF && buf[i] !== CR) i++;
        if (i < buf.length || !(await more())) break;
      }
      if (i >= buf.length) return buf.length;
      if (buf[i] === CR) {
        if (i + 1 >= buf.length) await more();
        if (buf[i + 1] === LF) return i + 2;
      }
      return i + 1;
    };
    await more();
    const endIdx = end - from;
    // The first line start at or after `start`: `start` itself when the byte before ends a line.
    const first = start === 0 ? 0 : await nextLine(0);
    let p = first;
    while (p < endIdx && p < buf.length) p = await nextLine(p);
    return buf.subarray(first, Math.max(first, p));
  } catch (e) {
    throw new ExecutionError(`Could not read ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    await fh?.close();
  }
}
