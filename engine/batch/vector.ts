import { isUtf8Lines, sliceUtf8Lines } from './utf8-lines.js';

/**
 * A column of values. `const` vectors stand for one value repeated on every row (a literal, the batch
 * timestamp, a window assigned to a whole batch); operators keep them constant as long as they can,
 * which is what makes per-batch constants free.
 */
export type Vector = ValuesVector | ConstVector;

export interface ValuesVector {
  readonly kind: 'values';
  readonly values: readonly unknown[];
}

export interface ConstVector {
  readonly kind: 'const';
  readonly value: unknown;
}

export function valuesVector(values: readonly unknown[]): ValuesVector {
  return { kind: 'values', values };
}

export function constVector(value: unknown): ConstVector {
  return { kind: 'const', value };
}

export function valueAt(v: Vector, i: number): unknown {
  return v.kind === 'const' ? v.value : v.values[i];
}

/** The values as a plain array of `n` entries (shares the array when already materialized). */
export function materialize(v: Vector, n: number): readonly unknown[] {
  if (v.kind === 'values') return v.values;
  return new Array<unknown>(n).fill(v.value);
}

/** Rows `indices` of `v`, in that order. */
export function takeVector(v: Vector, indices: ArrayLike<number>): Vector {
  if (v.kind === 'const') return v;
  const src = v.values;
  const out = new Array<unknown>(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = src[indices[i] as number];
  return valuesVector(out);
}

export function sliceVector(v: Vector, start: number, end: number): Vector {
  if (v.kind === 'const') return v;
  // Lines still in bytes stay in bytes (a map task cuts a split into slices).
  if (isUtf8Lines(v)) return sliceUtf8Lines(v, start, end);
  return valuesVector(v.values.slice(start, end));
}

export function concatVectors(parts: readonly { vector: Vector; numRows: number }[]): Vector {
  const first = parts[0];
  if (first === undefined) return valuesVector([]);
  if (first.vector.kind === 'const') {
    const value = first.vector.value;
    if (parts.every((p) => p.vector.kind === 'const' && Object.is(p.vector.value, value))) return first.vector;
  }
  const out: unknown[] = [];
  for (const p of parts) {
    if (p.vector.kind === 'const') for (let i = 0; i < p.numRows; i++) out.push(p.vector.value);
    else for (const x of p.vector.values) out.push(x);
  }
  return valuesVector(out);
}
