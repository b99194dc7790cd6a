import { RuntimeDataError } from '../../errors/errors.js';
import { constVector, type Vector } from '../../batch/vector.js';
import { B } from '../../expr/bound-expr.js';
import { T } from '../../types/data-type.js';
import type { ScalarFunction } from '../function.js';
import { checkArity, coerceArgs } from '../type-coercion.js';
import { groupCount, javaRegex, literalPattern } from './java-regex.js';
import { nullableOf } from './operators.js';
import { like, ilike } from './like.js';
import { get, map1, map2, mapN } from './vectorize.js';

/** String functions driven by Java regexes (`split`, `rlike`, `regexp_replace`, `regexp_extract`); SQL LIKE is in like.ts. */

type Splitter = (s: string, limit: number) => string[];

const splitters = new Map<string, Splitter>();

/**
 * Spark's `split(str, regex, limit)`: limit > 0 gives at most `limit` entries, the last holding the
 * rest; limit <= 0 gives all of them, trailing empty strings included. An empty regex splits into
 * characters. Literal patterns (the word count's `' '`) skip the regex engine.
 */
export function splitterFor(pattern: string): Splitter {
  let s = splitters.get(pattern);
  if (s === undefined) {
    s = makeSplitter(pattern);
    if (splitters.size > 512) splitters.clear();
    splitters.set(pattern, s);
  }
  return s;
}

function makeSplitter(pattern: string): Splitter {
  if (pattern.length === 0) return splitChars;
  const lit = literalPattern(pattern);
  if (lit !== undefined) {
    return (s, limit) => (limit <= 0 ? s.split(lit) : splitLiteralLimited(s, lit, limit));
  }
  const re = javaRegex(pattern, true, 'split');
  return (s, limit) => splitRegex(s, re, limit);
}

function splitLiteralLimited(s: string, sep: string, limit: number): string[] {
  const out: string[] = [];
  let from = 0;
  while (out.length < limit - 1) {
    const at = s.indexOf(sep, from);
    if (at < 0) break;
    out.push(s.slice(from, at));
    from = at + sep.length;
  }
  out.push(s.slice(from));
  return out;
}

function splitChars(s: string, limit: number): string[] {
  if (s.length === 0) return [''];
  const chars = Array.from(s);
  if (limit <= 0 || limit >= chars.length) return chars;
  return [...chars.slice(0, limit - 1), chars.slice(limit - 1).join('')];
}

/** Java's `String.split` loop; no leading empty string for a zero-width match at the start. */
function splitRegex(s: string, re: RegExp, limit: number): string[] {
  const out: string[] = [];
  let index = 0;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) re.lastIndex = start + ((s.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
    if (limit > 0 && out.length >= limit - 1) break;
    if (start === 0 && end === 0) continue;
    out.push(s.slice(index, start));
    index = end;
  }
  if (index === 0 && out.length === 0) return [s];
  out.push(s.slice(index));
  return out;
}

export const split: ScalarFunction = {
  name: 'split',
  resolve(args, ctx) {
    checkArity('split', args, [2, 3]);
    const full = args.length === 2 ? [...args, B.lit(-1, T.integer)] : args;
    const cast = coerceArgs('split', full, [T.string, T.string, T.integer], ctx);
    return { args: cast, type: T.array(T.string, false), nullable: cast.some(nullableOf) };
  },
  evaluate(args, n) {
    const [str, regex, limit] = args as [Vector, Vector, Vector];
    if (regex.kind === 'const' && limit.kind === 'const') {
      if (regex.value === null || limit.value === null) return constVector(null);
      const splitter = splitterFor(regex.value as string);
      const lim = limit.value as number;
      return map1(str, n, (s: string) => splitter(s, lim));
    }
    return mapN(args, n, ([s, r, l]: [string, string, number]) => splitterFor(r)(s, l));
  },
};

export const rlike: ScalarFunction = {
  name: 'rlike',
  aliases: ['regexp', 'regexp_like'],
  resolve(args, ctx) {
    checkArity('rlike', args, [2]);
    const cast = coerceArgs('rlike', args, [T.string, T.string], ctx);
    return { args: cast, type: T.boolean, nullable: cast.some(nullableOf) };
  },
  evaluate(args, n) {
    const [str, regex] = args as [Vector, Vector];
    if (regex.kind === 'const' && regex.value !== null) {
      const re = javaRegex(regex.value as string, false, 'rlike');
      return map1(str, n, (s: string) => re.test(s));
    }
    return map2(str, regex, n, (s: string, r: string) => javaRegex(r, false, 'rlike').test(s));
  },
};

/** Java's replacement syntax: `$1`, `${name}`, `\$` for a literal dollar. */
function replacer(rep: string): (m: RegExpExecArray | string[], groups?: Record<string, string>) => string {
  const parts: (string | number | { name: string })[] = [];
  let lit = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i] as string;
    if (c === '\\' && i + 1 < rep.length) {
      lit += rep[++i];
    } else if (c === '$') {
      const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(rep.slice(i + 1));
      const num = /^\d/.exec(rep.slice(i + 1));
      if (named) {
        parts.push(lit, { name: named[1] as string });
        i += named[0].length;
      } else if (num) {
        parts.push(lit, Number(num[0]));
        i += 1;
      } else {
        throw new RuntimeDataError('Illegal group reference in the replacement string.', { sparkClass: 'java.lang.IllegalArgumentException' });
      }
      lit = '';
    } else {
      lit += c;
    }
  }
  parts.push(lit);
  if (parts.length === 1) return () => lit;
  return (m, groups) =>
    parts.map((p) => (typeof p === 'string' ? p : typeof p === 'number' ? (m[p] ?? '') : (groups?.[p.name] ?? ''))).join('');
}

export const regexpReplace: ScalarFunction = {
  name: 'regexp_replace',
  resolve(args, ctx) {
    checkArity('regexp_replace', args, [3, 4]);
    const full = args.length === 3 ? [...args, B.lit(1, T.integer)] : args;
    const cast = coerceArgs('regexp_replace', full, [T.string, T.string, T.string, T.integer], ctx);
    return { args: cast, type: T.string, nullable: cast.some(nullableOf) };
  },
  evaluate(args, n) {
    return mapN(args, n, ([s, r, rep, pos]: [string, string, string, number]) => {
      const re = javaRegex(r, true, 'regexp_replace');
      const build = replacer(rep);
      const from = Math.max(0, pos - 1);
      if (from > s.length) return s;
      const tail = s.slice(from).replace(re, (...m: unknown[]) => {
        const last = m[m.length - 1];
        const groups = typeof last === 'object' && last !== null ? (last as Record<string, string>) : undefined;
        const count = m.length - (groups ? 3 : 2);
        return build(m.slice(0, count) as string[], groups);
      });
      return s.slice(0, from) + tail;
    });
  },
};

export const regexpExtract: ScalarFunction = {
  name: 'regexp_extract',
  resolve(args, ctx) {
    checkArity('regexp_extract', args, [2, 3]);
    const full = args.length === 2 ? [...args, B.lit(1, T.integer)] : args;
    const cast = coerceArgs('regexp_extract', full, [T.string, T.string, T.integer], ctx);
    return { args: cast, type: T.string, nullable: cast.some(nullableOf) };
  },
  evaluate(args, n) {
    return mapN(args, n, ([s, r, idx]: [string, string, number]) => {
      const re = javaRegex(r, false, 'regexp_extract');
      const groups = groupCount(re);
      if (idx < 0 || idx > groups) {
        throw new RuntimeDataError('', {
          errorClass: 'INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX',
          messageParameters: {
            parameter: '`idx`',
            functionName: '`regexp_extract`',
            groupCount: String(groups),
            groupIndex: String(idx),
          },
          sparkClass: 'org.apache.spark.SparkRuntimeException',
        });
      }
      const m = re.exec(s);
      return m === null ? '' : (m[idx] ?? '');
    });
  },
};

export const REGEXP_FUNCTIONS: readonly ScalarFunction[] = [split, rlike, regexpReplace, regexpExtract, like, ilike];

