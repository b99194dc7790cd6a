import { describe, expect, it } from 'vitest';
import { B } from '../../../engine/expr/bound-expr.js';
import {
  checkArity,
  coerceArgs,
  implicitCastType,
  NUMERIC_OR_ANSI_INTERVAL,
  tightestCommonType,
  widerCommonType,
  widerType,
} from '../../../engine/functions/type-coercion.js';
import { T } from '../../../engine/types/data-type.js';
import { ansi, errorOf, int, str } from './support.js';

describe('common types (Spark 4 ANSI)', () => {
  it('widen numerics along byte < short < int < long < float < double; integral + float is double', () => {
    expect(tightestCommonType(T.byte, T.short)).toEqual(T.short);
    expect(tightestCommonType(T.integer, T.long)).toEqual(T.long);
    expect(tightestCommonType(T.integer, T.float)).toEqual(T.double);
    expect(tightestCommonType(T.float, T.float)).toEqual(T.float);
    expect(tightestCommonType(T.float, T.double)).toEqual(T.double);
    expect(tightestCommonType(T.null, T.string)).toEqual(T.string);
    expect(tightestCommonType(T.date, T.timestamp)).toEqual(T.timestamp);
    expect(tightestCommonType(T.integer, T.boolean)).toBeUndefined();
  });

  it('promote strings: bigint for integrals, double for fractionals, else the other type', () => {
    expect(widerType(T.string, T.integer)).toEqual(T.long);
    expect(widerType(T.float, T.string)).toEqual(T.double);
    expect(widerType(T.string, T.timestamp)).toEqual(T.timestamp);
    expect(widerType(T.string, T.boolean)).toEqual(T.boolean);
    expect(widerCommonType([T.byte, T.long, T.null])).toEqual(T.long);
    expect(widerCommonType([T.integer, T.date])).toBeUndefined();
    expect(widerType(T.array(T.byte), T.array(T.long))).toEqual(T.array(T.long, true));
  });

  it('implicit casts follow the ANSI store-assignment rules', () => {
    expect(implicitCastType(T.string, T.integer)).toEqual(T.integer);
    expect(implicitCastType(T.long, T.integer)).toEqual(T.integer);
    expect(implicitCastType(T.integer, T.string)).toEqual(T.string);
    expect(implicitCastType(T.double, 'integral')).toBeUndefined();
    expect(implicitCastType(T.string, NUMERIC_OR_ANSI_INTERVAL)).toEqual(T.double);
    expect(implicitCastType(T.boolean, T.integer)).toBeUndefined();
    expect(implicitCastType(T.date, T.timestamp)).toEqual(T.timestamp);
    expect(implicitCastType(T.array(T.integer), T.array(T.string))).toEqual(T.array(T.string, true));
  });

  it('marks inserted casts implicit and keeps NULL literals as typed literals', () => {
    const [a, b] = coerceArgs('f', [int(1), B.lit(null, T.null)], [T.long, T.string], ansi);
    expect(a).toEqual(B.cast(int(1), T.long, 'ansi', true));
    expect(b).toEqual(B.lit(null, T.string));
    expect(coerceArgs('f', [int(1)], [T.long], { ...ansi, ansi: false })[0]).toEqual(B.cast(int(1), T.long, 'legacy', true));
  });

  it('reports wrong argument counts as WRONG_NUM_ARGS', () => {
    expect(errorOf(() => checkArity('substring', [str('a')], [2, 3])).message).toBe(
      "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `substring` requires [2, 3] parameters but the actual number is 1. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix. SQLSTATE: 42605",
    );
    expect(errorOf(() => checkArity('lower', [], [1])).message).toContain('The `lower` requires 1 parameters but the actual number is 0.');
  });
});
