import { describe, expect, it } from 'vitest';
import { valuesVector } from '../../../engine/batch/vector.js';
import { B } from '../../../engine/expr/bound-expr.js';
import { compileExpr, referencedColumns } from '../../../engine/functions/evaluate.js';
import { builtinRegistry, defaultRegistry } from '../../../engine/functions/builtin/index.js';
import type { LazyArg, ScalarFunction } from '../../../engine/functions/function.js';
import { T, WINDOW_TYPE } from '../../../engine/types/data-type.js';
import { ansi, call, int, str, table } from './support.js';

describe('compileExpr', () => {
  it('turns literals into const vectors and references into the input column', () => {
    const { batch, ref } = table({ a: [T.integer, [1, 2]] });
    expect(compileExpr(B.lit(5, T.integer))(batch, ansi)).toEqual({ kind: 'const', value: 5 });
    expect(compileExpr(ref('a'))(batch, ansi)).toBe(batch.columns[0]);
  });

  it('reads struct fields, NULL for a NULL struct', () => {
    const { batch, ref } = table({ w: [WINDOW_TYPE, [[10, 20], null]] });
    const end = B.getField(ref('w'), 1, 'end', T.timestamp);
    expect(compileExpr(end)(batch, ansi)).toEqual(valuesVector([20, null]));
  });

  it('compiles once and runs per batch', () => {
    const e = call('upper', [call('concat', [B.ref(0, T.string, 'v'), str('!')])]);
    const compiled = compileExpr(e);
    expect(compiled(table({ v: [T.string, ['a']] }).batch, ansi)).toEqual(valuesVector(['A!']));
    expect(compiled(table({ v: [T.string, ['b', null]] }).batch, ansi)).toEqual(valuesVector(['B!', null]));
  });

  it('rejects calls that are not scalar functions', () => {
    expect(() => compileExpr(B.call('count', [int(1)], T.long))).toThrow(/not a scalar function/);
    expect(() => compileExpr(B.call('no_such_fn', [], T.long))).toThrow(/not a scalar function/);
  });

  it('gives lazy arguments a sub-batch holding only the selected rows of the columns they read', () => {
    const registry = builtinRegistry();
    const seen: unknown[] = [];
    const probe: ScalarFunction = {
      name: 'probe',
      resolve: (args) => ({ args, type: T.integer, nullable: true }),
      evaluate: () => {
        throw new Error('eager path must not be used');
      },
      evaluateLazy(args, n) {
        const v = (args[0] as LazyArg)([2, 0]);
        seen.push(v);
        return valuesVector(new Array(n).fill(0));
      },
    };
    registry.registerScalar(probe);
    const { batch, ref } = table({ a: [T.integer, [10, 11, 12]], b: [T.string, ['x', 'y', 'z']] });
    compileExpr(B.call('probe', [ref('b')], T.integer), registry)(batch, ansi);
    expect(seen).toEqual([valuesVector(['z', 'x'])]);
    expect(referencedColumns(call('+', [ref('a'), call('length', [ref('b')])]))).toEqual(new Set([0, 1]));
  });

  it('uses the default registry when none is given', () => {
    expect(defaultRegistry.lookup('split')?.kind).toBe('scalar');
    expect(defaultRegistry.lookup('window')).toBeUndefined();
    expect(defaultRegistry.lookup('session_window')).toBeUndefined();
  });
});

describe('the names PySpark Connect sends for Column operators are registered', () => {
  const names = [
    '==', '!=', '<=>', '<', '<=', '>', '>=', 'and', 'or', 'not', '+', '-', '*', '/', '%', 'power', 'negative',
    '&', '|', '^', '~', 'isNull', 'isNotNull', 'isNaN', 'in', 'contains', 'startsWith', 'endsWith', 'like',
    'rlike', 'ilike', 'substr', 'when', 'between', 'coalesce', 'if', 'nvl', 'nullif', 'nanvl', 'isnull', 'ln',
  ];
  it.each(names)('%s', (name) => expect(defaultRegistry.lookup(name)?.kind).toBe('scalar'));
});
