import { B, type BoundExpr } from '../../expr/bound-expr.js';
import { constVector, type Vector } from '../../batch/vector.js';
import { T } from '../../types/data-type.js';
import type { ResolveContext, ScalarFunction } from '../function.js';
import { checkArity, coerceArgs, type TypeSpec } from '../type-coercion.js';
import { nullableOf } from './operators.js';
import { map1, map2, mapN, mapRows } from './vectorize.js';

/**
 * String functions. Lengths and positions count characters (code points), as Spark's UTF8String
 * does, with a fast path for strings that hold no surrogate pairs.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

export function charLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Characters [start, end) by code point. */
function chars(s: string, start: number, end: number): string {
  if (!SURROGATE.test(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}

/** A function of string arguments with fixed arity; `defaults` fill trailing optional arguments. */
function stringFunction(
  name: string,
  specs: readonly TypeSpec[],
  arities: readonly number[],
  result: typeof T.string | typeof T.integer | typeof T.boolean,
  compute: (xs: any) => unknown,
  defaults: readonly BoundExpr[] = [],
): ScalarFunction {
  const max = Math.max(...arities);
  return {
    name,
    resolve(args, ctx: ResolveContext) {
      checkArity(name, args, arities);
      const full = args.length < max ? [...args, ...defaults.slice(args.length - (max - defaults.length))] : args;
      const cast = coerceArgs(name, full, specs, ctx);
      return { args: cast, type: result, nullable: cast.some(nullableOf) };
    },
    evaluate(args, n) {
      if (args.length === 1) return map1(args[0] as Vector, n, (x) => compute([x]));
      if (args.length === 2) return map2(args[0] as Vector, args[1] as Vector, n, (x, y) => compute([x, y]));
      return mapN(args, n, compute);
    },
  };
}

/** The same function under another name that Spark keeps in column names (`substr`, `lcase`, ...). */
export function renamed(fn: ScalarFunction, name: string): ScalarFunction {
  return { ...fn, name, aliases: [] };
}

const S = T.string;
const I = T.integer;

export const lower = stringFunction('lower', [S], [1], S, ([s]: [string]) => s.toLowerCase());
export const upper = stringFunction('upper', [S], [1], S, ([s]: [string]) => s.toUpperCase());
export const length = stringFunction('length', [S], [1], I, ([s]: [string]) => charLength(s));

/** Spark's `substringSQL`: 1-based, 0 means 1, negative counts from the end. */
export function substringSql(s: string, pos: number, len: number): string {
  const n = charLength(s);
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  const end = Math.min(start + len, n);
  start = Math.max(start, 0);
  return start >= end ? '' : chars(s, start, end);
}

export const substring = stringFunction(
  'substring',
  [S, I, I],
  [2, 3],
  S,
  ([s, pos, len]: [string, number, number]) => substringSql(s, pos, len),
  [B.lit(2147483647, T.integer)],
);

function trimChars(s: string, set: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a] as string)) a++;
  if (right) while (b > a && set.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

function trimFunction(name: string, left: boolean, right: boolean): ScalarFunction {
  return stringFunction(name, [S, S], [1, 2], S, ([s, set]: [string, string | undefined]) => trimChars(s, set ?? ' ', left, right));
}

export const trim = trimFunction('trim', true, true);
export const ltrim = trimFunction('ltrim', true, false);
export const rtrim = trimFunction('rtrim', false, true);
export const btrim = trimFunction('btrim', true, true);

export const contains = stringFunction('contains', [S, S], [2], T.boolean, ([s, x]: [string, string]) => s.includes(x));
export const startsWith = stringFunction('startswith', [S, S], [2], T.boolean, ([s, x]: [string, string]) => s.startsWith(x));
export const endsWith = stringFunction('endswith', [S, S], [2], T.boolean, ([s, x]: [string, string]) => s.endsWith(x));

function charIndex(s: string, unitIndex: number): number {
  return unitIndex < 0 ? -1 : charLength(s.slice(0, unitIndex));
}

export const instr = stringFunction('instr', [S, S], [2], I, ([s, x]: [string, string]) => charIndex(s, s.indexOf(x)) + 1);

export const locate = stringFunction(
  'locate',
  [S, S, I],
  [2, 3],
  I,
  ([x, s, pos]: [string, string, number]) => {
    if (pos < 1) return 0;
    const from = chars(s, 0, pos - 1).length;
    if (from > s.length) return 0;
    return charIndex(s, s.indexOf(x, from)) + 1;
  },
  [B.lit(1, T.integer)],
);

function pad(name: string, left: boolean): ScalarFunction {
  return stringFunction(
    name,
    [S, I, S],
    [2, 3],
    S,
    ([s, len, p]: [string, number, string]) => {
      const n = charLength(s);
      if (len <= 0) return '';
      if (n >= len) return chars(s, 0, len);
      if (p.length === 0) return s;
      const fill = Array.from(p.repeat(Math.ceil((len - n) / charLength(p))))
        .slice(0, len - n)
        .join('');
      return left ? fill + s : s + fill;
    },
    [B.lit(' ', T.string)],
  );
}

export const lpad = pad('lpad', true);
export const rpad = pad('rpad', false);

export const initcap = stringFunction('initcap', [S], [1], S, ([s]: [string]) =>
  s
    .toLowerCase()
    .split(' ')
    .map((w) => (w.length === 0 ? w : (w.codePointAt(0) as number) > 0xffff ? w : w[0]?.toUpperCase() + w.slice(1)))
    .join(' '),
);

export const repeat = stringFunction('repeat', [S, I], [2], S, ([s, k]: [string, number]) => (k <= 0 ? '' : s.repeat(k)));

export const replace = stringFunction(
  'replace',
  [S, S, S],
  [2, 3],
  S,
  ([s, search, rep]: [string, string, string]) => (search.length === 0 ? s : s.split(search).join(rep)),
  [B.lit('', T.string)],
);

export const translate = stringFunction('translate', [S, S, S], [3], S, ([s, from, to]: [string, string, string]) => {
  const src = Array.from(from);
  const dst = Array.from(to);
  const map = new Map<string, string | null>();
  src.forEach((c, i) => {
    if (!map.has(c)) map.set(c, dst[i] ?? null);
  });
  let out = '';
  for (const c of s) {
    const r = map.get(c);
    if (r === undefined) out += c;
    else if (r !== null) out += r;
  }
  return out;
});

export const ascii = stringFunction('ascii', [S], [1], I, ([s]: [string]) => (s.length === 0 ? 0 : (s.codePointAt(0) as number)));

/** `reverse`: strings by character, arrays by element. */
export const reverse: ScalarFunction = {
  name: 'reverse',
  resolve(args, ctx) {
    checkArity('reverse', args, [1]);
    const a = args[0] as BoundExpr;
    if (a.type.kind === 'array') return { args, type: a.type, nullable: nullableOf(a) };
    const cast = coerceArgs('reverse', args, [[S, 'array']], ctx);
    return { args: cast, type: S, nullable: cast.some(nullableOf) };
  },
  evaluate(args, n, _ctx, call) {
    if (call.type.kind === 'array') return map1(args[0] as Vector, n, (xs: unknown[]) => xs.slice().reverse());
    return map1(args[0] as Vector, n, (s: string) => Array.from(s).reverse().join(''));
  },
};

/** `concat`: strings (NULL if any argument is NULL), or arrays when every argument is an array. */
export const concat: ScalarFunction = {
  name: 'concat',
  resolve(args, ctx) {
    const allArrays = args.length > 0 && args.every((a) => a.type.kind === 'array');
    if (allArrays) {
      const first = args[0]?.type;
      return { args, type: first ?? T.array(S), nullable: args.some(nullableOf) };
    }
    const cast = coerceArgs('concat', args, [S], ctx);
    return { args: cast, type: S, nullable: cast.some(nullableOf) };
  },
  evaluate(args, n, _ctx, call) {
    if (args.length === 0) return constVector('');
    if (call.type.kind === 'array') return mapN(args, n, (xs: unknown[][]) => xs.flat(1));
    return mapN(args, n, (xs: string[]) => xs.join(''));
  },
};

/** `concat_ws(sep, ...)`: skips NULLs; array arguments contribute their (non-null) elements. */
export const concatWs: ScalarFunction = {
  name: 'concat_ws',
  resolve(args, ctx) {
    checkArity('concat_ws', args, { min: 1 });
    const cast = coerceArgs('concat_ws', args, [S, [S, T.array(S)]], ctx);
    return { args: cast, type: S, nullable: nullableOf(cast[0] as BoundExpr) };
  },
  evaluate(args, n) {
    return mapRows(args, n, ([sep, ...rest]) => {
      if (sep === null || sep === undefined) return null;
      const parts: string[] = [];
      for (const x of rest) {
        if (x === null || x === undefined) continue;
        if (Array.isArray(x)) for (const y of x as unknown[]) if (y !== null && y !== undefined) parts.push(String(y));
        if (!Array.isArray(x)) parts.push(x as string);
      }
      return parts.join(sep as string);
    });
  },
};

export const STRING_FUNCTIONS: readonly ScalarFunction[] = [
  lower,
  renamed(lower, 'lcase'),
  upper,
  renamed(upper, 'ucase'),
  length,
  renamed(length, 'char_length'),
  renamed(length, 'character_length'),
  renamed(length, 'len'),
  substring,
  renamed(substring, 'substr'),
  trim,
  ltrim,
  rtrim,
  btrim,
  contains,
  startsWith,
  endsWith,
  instr,
  locate,
  renamed(locate, 'position'),
  lpad,
  rpad,
  initcap,
  repeat,
  replace,
  translate,
  ascii,
  reverse,
  concat,
  concatWs,
];
