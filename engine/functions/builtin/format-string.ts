import type { Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { formatDouble } from '../../expr/cast-format.js';
import { T } from '../../types/data-type.js';
import type { ScalarFunction } from '../function.js';
import { checkArity, coerceArgs } from '../type-coercion.js';
import { mapRows } from './vectorize.js';

/**
 * `format_string(fmt, ...)` / `printf`: Java's `String.format` for the common conversions
 * (`%s %d %f %e %x %o %c %b %% %n`, argument indexes, width, precision, flags `-0+ ,(`).
 */

const SPEC = /%(\d+\$)?([-#+ 0,(]*)(\d+)?(\.\d+)?([sSdfeExXocbBn%])/g;

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function signed(body: string, negative: boolean, flags: string): string {
  if (negative) return flags.includes('(') ? `(${body})` : `-${body}`;
  if (flags.includes('+')) return `+${body}`;
  if (flags.includes(' ')) return ` ${body}`;
  return body;
}

function pad(s: string, width: number | undefined, flags: string, numeric: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width, ' ');
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ (]/.test(s) ? (s[0] as string) : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width, ' ');
}

export function javaFormat(fmt: string, args: readonly unknown[]): string {
  let next = 0;
  return fmt.replace(SPEC, (_m, index: string | undefined, flags: string, w: string | undefined, p: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (conv === 'n') return '\n';
    const width = w === undefined ? undefined : Number(w);
    const precision = p === undefined ? undefined : Number(p.slice(1));
    const arg = index !== undefined ? args[Number(index.slice(0, -1)) - 1] : args[next++];
    if (arg === null || arg === undefined) return pad(conv === 'b' || conv === 'B' ? 'false' : 'null', width, flags, false);
    let out: string;
    switch (conv) {
      case 's':
      case 'S': {
        const s = typeof arg === 'number' && !Number.isInteger(arg) ? formatDouble(arg) : String(arg);
        out = precision === undefined ? s : s.slice(0, precision);
        if (conv === 'S') out = out.toUpperCase();
        return pad(out, width, flags, false);
      }
      case 'd': {
        const n = Number(arg);
        const body = String(Math.abs(Math.trunc(n)));
        return pad(signed(flags.includes(',') ? group(body) : body, n < 0, flags), width, flags, true);
      }
      case 'f':
      case 'e':
      case 'E': {
        const n = Number(arg);
        const digits = precision ?? 6;
        let body = conv === 'f' ? Math.abs(n).toFixed(digits) : Math.abs(n).toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
        if (conv === 'E') body = body.toUpperCase();
        if (conv === 'f' && flags.includes(',')) {
          const [i = '', f] = body.split('.');
          body = f === undefined ? group(i) : `${group(i)}.${f}`;
        }
        return pad(signed(body, n < 0 || Object.is(n, -0), flags), width, flags, true);
      }
      case 'x':
      case 'X':
      case 'o': {
        const n = BigInt.asUintN(64, BigInt(Math.trunc(Number(arg))));
        out = n.toString(conv === 'o' ? 8 : 16);
        if (conv === 'X') out = out.toUpperCase();
        return pad(out, width, flags, true);
      }
      case 'c':
        return pad(typeof arg === 'number' ? String.fromCodePoint(arg) : String(arg).slice(0, 1), width, flags, false);
      case 'b':
      case 'B':
        out = String(arg !== false);
        return pad(conv === 'B' ? out.toUpperCase() : out, width, flags, false);
      default:
        return '';
    }
  });
}

export const formatString: ScalarFunction = {
  name: 'format_string',
  resolve(args, ctx) {
    checkArity('format_string', args, { min: 1 });
    const [fmt] = coerceArgs('format_string', args.slice(0, 1), [T.string], ctx) as [BoundExpr];
    return { args: [fmt, ...args.slice(1)], type: T.string, nullable: true };
  },
  evaluate: (args: readonly Vector[], n) =>
    mapRows(args, n, ([fmt, ...rest]) => (fmt === null || fmt === undefined ? null : javaFormat(fmt as string, rest))),
};

export const printf: ScalarFunction = { ...formatString, name: 'printf' };

export const FORMAT_FUNCTIONS: readonly ScalarFunction[] = [formatString, printf];

