import { RuntimeDataError } from '../../errors/errors.js';

/**
 * Java `java.util.regex` patterns (what Spark's `split`, `rlike`, `regexp_*` take) as JS RegExps.
 * Translated: `\s` and `\v`/`\h` with Java's ASCII meaning, POSIX `\p{Alpha}` classes, `\Q...\E`,
 * `\A`/`\z`/`\Z`, leading inline flags `(?i)`, possessive quantifiers and atomic groups (made greedy,
 * which matches the same strings in nearly all real patterns), nested character-class unions.
 */

const POSIX: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  javaLowerCase: '\\p{Ll}',
  javaUpperCase: '\\p{Lu}',
  javaWhitespace: ' \\t\\n\\x0B\\f\\r\\x1C-\\x1F',
  IsAlphabetic: '\\p{Alphabetic}',
  IsLetter: '\\p{L}',
  IsDigit: '\\p{Nd}',
  IsUppercase: '\\p{Uppercase}',
  IsLowercase: '\\p{Lowercase}',
  IsWhite_Space: '\\p{White_Space}',
  IsPunctuation: '\\p{P}',
};

const SPACE = ' \\t\\n\\x0B\\f\\r';
const HSPACE = ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';
const VSPACE = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

export class PatternError extends Error {}

/** Class content (no brackets) for a `\p{...}` / `\P{...}` name, and whether it is negated. */
function propertyClass(name: string): string {
  const posix = POSIX[name] ?? POSIX[name.replace(/^Is/, '')];
  if (posix !== undefined) return posix;
  if (/^Is[A-Z][a-z]+$/.test(name)) return `\\p{Script=${name.slice(2)}}`;
  if (/^In[A-Z]/.test(name)) throw new PatternError(`Unicode blocks are not supported: \\p{${name}}`);
  return `\\p{${name.replace(/^Is/, '').replace(/^general_category=/i, 'gc=')}}`;
}

function literal(c: string, inClass: boolean): string {
  if (JS_SYNTAX.has(c) || (inClass && c === '-')) return `\\${c}`;
  return c;
}

/** Translates a Java regex into JS source and flags; throws PatternError where Java would. */
export function translateJavaRegex(pattern: string): { source: string; flags: string } {
  let flags = '';
  let i = 0;
  const lead = /^\(\?([imsxuU-]+)\)/.exec(pattern);
  if (lead) {
    const on = (lead[1] ?? '').split('-')[0] ?? '';
    for (const f of on) if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
    i = lead[0].length;
  }
  let out = '';
  let classDepth = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const d = pattern[i + 1];
      if (d === undefined) throw new PatternError(`Unexpected internal error near index ${i}`);
      i += 2;
      if (d === 'Q') {
        const end = pattern.indexOf('\\E', i);
        const text = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
        for (const ch of text) out += literal(ch, classDepth > 0);
        i = end < 0 ? n : end + 2;
        continue;
      }
      out += translateEscape(d, pattern, i, classDepth > 0, (skip) => (i += skip));
      continue;
    }
    if (classDepth > 0) {
      if (c === '[') {
        // Java unions nested classes: [a-c[x-z]] is [a-cx-z].
        if (pattern[i + 1] === '^') throw new PatternError('Negated nested character classes are not supported');
        classDepth++;
        i++;
        continue;
      }
      if (c === ']') {
        classDepth--;
        if (classDepth === 0) out += ']';
        i++;
        continue;
      }
      if (c === '&' && pattern[i + 1] === '&') throw new PatternError('Character class intersection (&&) is not supported');
      out += c === '/' ? '\\/' : c;
      i++;
      continue;
    }
    switch (c) {
      case '[': {
        out += '[';
        classDepth = 1;
        i++;
        if (pattern[i] === '^') {
          out += '^';
          i++;
        }
        // A leading ']' is a literal in Java.
        if (pattern[i] === ']') {
          out += '\\]';
          i++;
        }
        break;
      }
      case '(': {
        if (pattern[i + 1] === '?') {
          const rest = pattern.slice(i + 2);
          if (rest.startsWith('>')) {
            out += '(?:';
            i += 3;
          } else if (/^[imsxuUd-]+\)/.test(rest)) {
            const m = /^([imsxuUd-]+)\)/.exec(rest) as RegExpExecArray;
            for (const f of (m[1] ?? '').split('-')[0] ?? '') if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
            i += 2 + m[0].length;
          } else if (/^[imsxuUd-]+:/.test(rest)) {
            const m = /^([imsxuUd-]+):/.exec(rest) as RegExpExecArray;
            for (const f of (m[1] ?? '').split('-')[0] ?? '') if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
            out += '(?:';
            i += 2 + m[0].length;
          } else {
            out += '(?';
            i += 2;
          }
        } else {
          out += '(';
          i++;
        }
        break;
      }
      case '{': {
        const q = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
        if (!q) throw new PatternError(`Illegal repetition near index ${i}`);
        out += q[0];
        i += q[0].length;
        if (pattern[i] === '+') i++;
        break;
      }
      case '*':
      case '+':
      case '?':
        out += c;
        i++;
        if (pattern[i] === '+') i++;
        break;
      case ']':
      case '}':
      case '/':
        out += `\\${c}`;
        i++;
        break;
      default:
        out += c;
        i++;
    }
  }
  if (classDepth > 0) throw new PatternError(`Unclosed character class near index ${n - 1}`);
  return { source: out, flags: `${flags}u` };
}

function translateEscape(d: string, pattern: string, at: number, inClass: boolean, skip: (k: number) => void): string {
  switch (d) {
    case 's':
      return inClass ? SPACE : `[${SPACE}]`;
    case 'S':
      return inClass ? '\\S' : `[^${SPACE}]`;
    case 'h':
      return inClass ? HSPACE : `[${HSPACE}]`;
    case 'H':
      return `[^${HSPACE}]`;
    case 'v':
      return inClass ? VSPACE : `[${VSPACE}]`;
    case 'V':
      return `[^${VSPACE}]`;
    case 'R':
      return `(?:\\r\\n|[${VSPACE}])`;
    case 'A':
      return '(?<![\\s\\S])';
    case 'z':
      return '(?![\\s\\S])';
    case 'Z':
      return '(?=\\n?(?![\\s\\S]))';
    case 'a':
      return '\\x07';
    case 'e':
      return '\\x1B';
    case 'p':
    case 'P': {
      let name: string;
      if (pattern[at] === '{') {
        const end = pattern.indexOf('}', at);
        if (end < 0) throw new PatternError(`Unclosed character family near index ${at}`);
        name = pattern.slice(at + 1, end);
        skip(end - at + 1);
      } else {
        name = pattern[at] ?? '';
        skip(1);
      }
      const body = propertyClass(name);
      if (d === 'P') {
        if (inClass) throw new PatternError('Negated property classes inside a character class are not supported');
        return `[^${body}]`;
      }
      return inClass ? body : `[${body}]`;
    }
    case 'x':
      if (pattern[at] === '{') {
        const end = pattern.indexOf('}', at);
        skip(end - at + 1);
        return `\\u{${pattern.slice(at + 1, end)}}`;
      }
      return '\\x';
    case '0': {
      const m = /^[0-7]{1,3}/.exec(pattern.slice(at));
      if (!m) throw new PatternError(`Illegal octal escape sequence near index ${at}`);
      skip(m[0].length);
      return `\\x${parseInt(m[0], 8).toString(16).padStart(2, '0')}`;
    }
    case 'G':
    case 'X':
      throw new PatternError(`\\${d} is not supported`);
    default:
      if (/[dDwWbBtnrfuck1-9]/.test(d)) return `\\${d}`;
      if (/[A-Za-z]/.test(d)) throw new PatternError(`Illegal/unsupported escape sequence near index ${at - 1}`);
      return literal(d, inClass);
  }
}

const cache = new Map<string, RegExp>();

/** A compiled (and cached) RegExp for a Java pattern; `global` for iteration. */
export function javaRegex(pattern: string, global: boolean, functionName: string): RegExp {
  const key = `${global ? 'g' : '-'}${pattern}`;
  let re = cache.get(key);
  if (re === undefined) {
    try {
      const { source, flags } = translateJavaRegex(pattern);
      re = new RegExp(source, global ? `${flags}g` : flags);
    } catch (e) {
      throw invalidPattern(pattern, functionName, e);
    }
    if (cache.size > 512) cache.clear();
    cache.set(key, re);
  }
  if (global) re.lastIndex = 0;
  return re;
}

export function invalidPattern(pattern: string, functionName: string, cause?: unknown): RuntimeDataError {
  return new RuntimeDataError('', {
    errorClass: 'INVALID_PARAMETER_VALUE.PATTERN',
    messageParameters: {
      parameter: '`regexp`',
      functionName: `\`${functionName}\``,
      value: `'${pattern}'`,
    },
    cause,
    sparkClass: 'org.apache.spark.SparkRuntimeException',
  });
}

/** The number of capturing groups in a compiled pattern. */
export function groupCount(re: RegExp): number {
  return (new RegExp(`${re.source}|`, re.flags.replace('g', '')).exec('') as RegExpExecArray).length - 1;
}

const META = /[.$|()[\]{}^?*+\\]/;

/** The literal string a pattern matches when it has no regex meaning (fast paths), else undefined. */
export function literalPattern(pattern: string): string | undefined {
  if (pattern.length === 0) return undefined;
  if (!META.test(pattern)) return pattern;
  if (pattern.length === 2 && pattern[0] === '\\' && !/[A-Za-z0-9]/.test(pattern[1] as string)) return pattern[1];
  return undefined;
}
