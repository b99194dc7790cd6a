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
  /** Where the lines end (`at[i] - base` is line i's '\n' in `utf8`), found on first use. */
  newlines(): { readonly at: Int32Array; readonly base: number };
}

const NEWLINE = 10;
// A U+FEFF opening a line is part of it (as in the bytes), not a mark to drop.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Where each line but the last ends (its '\n'), in the bytes of the vector it was made for. */
export function newlineIndex(bytes: Uint8Array): Int32Array {
  let n = 0;
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) n++;
  const ends = new Int32Array(n);
  let k = 0;
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) ends[k++] = at;
  return ends;
}

/** `newlines`, when known, are `newlineIndex(utf8)` shifted by `-base` (a slice shares its parent's). */
export function utf8LinesVector(utf8: Uint8Array, numRows: number, newlines?: { readonly at: Int32Array; readonly base: number }): Utf8LinesVector {
  let decoded: string[] | undefined;
  let index = newlines;
  return {
    kind: 'values',
    utf8,
    numRows,
    get values(): readonly unknown[] {
      decoded ??= numRows === 0 ? [] : decoder.decode(utf8).split('\n');
      return decoded;
    },
    newlines(): { readonly at: Int32Array; readonly base: number } {
      index ??= { at: newlineIndex(utf8), base: 0 };
      return index;
    },
  };
}

export function isUtf8Lines(v: { readonly kind: string }): v is Utf8LinesVector {
  return (v as Partial<Utf8LinesVector>).utf8 !== undefined;
}

/** Lines `[start, end)`, still as bytes (the line index is found once per split, not per slice). */
export function sliceUtf8Lines(v: Utf8LinesVector, start: number, end: number): Utf8LinesVector {
  if (end <= start) return utf8LinesVector(new Uint8Array(0), 0);
  const { at, base } = v.newlines();
  const from = start === 0 ? 0 : (at[start - 1] as number) - base + 1;
  const to = end >= v.numRows ? v.utf8.length : (at[end - 1] as number) - base;
  return utf8LinesVector(v.utf8.subarray(from, to), end - start, { at: at.subarray(start, Math.max(start, end - 1)), base: base + from });
}
