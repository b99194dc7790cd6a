import { constVector, valuesVector, type Vector } from '../../batch/vector.js';
import type { LazyArg } from '../function.js';

/**
 * Column-at-a-time helpers for scalar functions. Nulls propagate (null in, null out) unless a
 * helper says otherwise, and all-constant inputs give a constant output computed once.
 */

function isNull(x: unknown): boolean {
  return x === null || x === undefined;
}

export function map1(a: Vector, n: number, f: (x: any) => unknown): Vector {
  if (a.kind === 'const') return constVector(isNull(a.value) ? null : f(a.value));
  const src = a.values;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const x = src[i];
    out[i] = x === null || x === undefined ? null : f(x);
  }
  return valuesVector(out);
}

export function map2(a: Vector, b: Vector, n: number, f: (x: any, y: any) => unknown): Vector {
  if (a.kind === 'const' && b.kind === 'const') {
    return constVector(isNull(a.value) || isNull(b.value) ? null : f(a.value, b.value));
  }
  if (b.kind === 'const') {
    const y = b.value;
    if (isNull(y)) return constVector(null);
    return map1(a, n, (x) => f(x, y));
  }
  if (a.kind === 'const') {
    const x = a.value;
    if (isNull(x)) return constVector(null);
    return map1(b, n, (y) => f(x, y));
  }
  const xs = a.values;
  const ys = b.values;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const y = ys[i];
    out[i] = x === null || x === undefined || y === null || y === undefined ? null : f(x, y);
  }
  return valuesVector(out);
}

/** Any number of arguments; `f` sees a fresh array of the row's values, all non-null. */
export function mapN(args: readonly Vector[], n: number, f: (xs: any) => unknown): Vector {
  return mapRows(args, n, (xs) => (xs.some(isNull) ? null : f(xs)));
}

/** Like `mapN` but `f` also sees nulls (for functions that are not null-intolerant). */
export function mapRows(args: readonly Vector[], n: number, f: (xs: unknown[]) => unknown): Vector {
  if (args.every((a) => a.kind === 'const')) return constVector(f(args.map((a) => (a as { value: unknown }).value)));
  const out = new Array<unknown>(n);
  const k = args.length;
  for (let i = 0; i < n; i++) {
    const xs = new Array<unknown>(k);
    for (let j = 0; j < k; j++) {
      const v = args[j] as Vector;
      xs[j] = v.kind === 'const' ? v.value : v.values[i];
    }
    out[i] = f(xs);
  }
  return valuesVector(out);
}

/** Thunks over already-evaluated vectors, so a lazy function can also run eagerly. */
export function lazyOf(args: readonly Vector[]): LazyArg[] {
  return args.map((v) => (rows?: readonly number[]) => {
    if (rows === undefined || v.kind === 'const') return v;
    const src = v.values;
    const out = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = src[rows[i] as number];
    return valuesVector(out);
  });
}

export function get(v: Vector, i: number): unknown {
  return v.kind === 'const' ? v.value : v.values[i];
}
