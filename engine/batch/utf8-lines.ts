import type { ValuesVector } from './vector.js';

/**
 * A column of text lines still in the UTF-8 bytes they came in, joined by '\n' (a socket
 * source's `lines` split): `values` decodes them on first use, so an operator that reads bytes
 * (SplitAggregate counting words) never makes a string per line, and any other reader sees the
 * plain strings. The bytes must be valid UTF-8 (the reader checks), so that equal lines are equal
 * bytes. An own getter, not a class: a batch posted to another thread carries the strings.
 */
export interface Utf8LinesVector extends ValuesVector {
  readonly utf8: Uint8Array;
  readonly numRows: number;
}

const NEWLINE = 10;
// A U+FEFF opening a line is part of it (as in the bytes), not a mark to drop.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function utf8LinesVector(utf8: Uint8Array, numRows: number): Utf8LinesVector {
  let decoded: string[] | undefined;
  return {
    kind: 'values',
    utf8,
    numRows,
    get values(): readonly unknown[] {
      decoded ??= numRows === 0 ? [] : decoder.decode(utf8).split('\n');
      return decoded;
    },
  };
}

export function isUtf8Lines(v: { readonly kind: string }): v is Utf8LinesVector {
  return (v as Partial<Utf8LinesVector>).utf8 !== undefined;
}

/** Lines `[start, end)`, still as bytes. */
export function sliceUtf8Lines(v: Utf8LinesVector, start: number, end: number): Utf8LinesVector {
  const bytes = v.utf8;
  let from = 0;
  let line = 0;
  while (line < start) {
    from = bytes.indexOf(NEWLINE, from) + 1;
    line++;
  }
  let to = from;
  for (let l = start; l < end; l++) {
    const nl = bytes.indexOf(NEWLINE, to);
    to = nl < 0 ? bytes.length : nl + 1;
  }
  // Without the last line's '\n'.
  if (end > start && to > from && to <= bytes.length && bytes[to - 1] === NEWLINE && end < v.numRows) to--;
  return utf8LinesVector(bytes.subarray(from, to), end - start);
}
