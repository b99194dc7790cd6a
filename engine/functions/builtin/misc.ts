import { createHash, randomUUID } from 'node:crypto';
import { constVector, valuesVector, type Vector } from '../../batch/vector.js';
import type { BoundCall, BoundExpr } from '../../expr/bound-expr.js';
import { sparkHash } from '../murmur3.js';
import { T, simpleString } from '../../types/data-type.js';
import type { EvalContext, ScalarFunction } from '../function.js';
import { checkArity } from '../type-coercion.js';
import { add, divide, subtract, multiply } from './operators.js';
import { neverNullResolve, simpleFunction } from './scalar-helpers.js';
import { substringSql } from './strings.js';
import { mapRows } from './vectorize.js';

/**
 * Everyday helpers: `left`/`right`, digests (`md5`, `sha2`, `hash`), `format_number`, `char`,
 * `typeof`, `uuid`, `monotonically_increasing_id`, and the `try_` arithmetic that answers NULL
 * where the operator would raise.
 */

const utf8 = new TextEncoder();

function bytesOf(x: string | Uint8Array): Uint8Array {
  return typeof x === 'string' ? utf8.encode(x) : x;
}

export const left = simpleFunction('left', [T.string, T.integer], [2], T.string, ([s, n]: [string, number]) =>
  n <= 0 ? '' : substringSql(s, 1, n),
);

export const right = simpleFunction('right', [T.string, T.integer], [2], T.string, ([s, n]: [string, number]) =>
  n <= 0 ? '' : substringSql(s, -n, Number.MAX_SAFE_INTEGER),
);

export const md5 = simpleFunction('md5', [T.binary], [1], T.string, ([b]: [Uint8Array]) => createHash('md5').update(bytesOf(b)).digest('hex'));

const SHA2: Readonly<Record<number, string>> = { 0: 'sha256', 224: 'sha224', 256: 'sha256', 384: 'sha384', 512: 'sha512' };

export const sha2 = simpleFunction(
  'sha2',
  [T.binary, T.integer],
  [2],
  T.string,
  ([b, bits]: [Uint8Array, number]) => {
    const algorithm = SHA2[bits];
    return algorithm === undefined ? null : createHash(algorithm).update(bytesOf(b)).digest('hex');
  },
  { mayReturnNull: true },
);

export const sha1 = simpleFunction('sha1', [T.binary], [1], T.string, ([b]: [Uint8Array]) => createHash('sha1').update(bytesOf(b)).digest('hex'));

export const hash: ScalarFunction = {
  name: 'hash',
  resolve: neverNullResolve('hash', { min: 1 }, T.integer),
  evaluate(args, n, _ctx, call) {
    const types = call.args.map((a) => a.type);
    return mapRows(args, n, (xs) => sparkHash(xs, types));
  },
};

/** Java's `DecimalFormat("#,##0.00")` with HALF_EVEN rounding of the double's exact value. */
export function formatNumber(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x !== x ? '\uFFFD' : x > 0 ? '\u221E' : '-\u221E';
  let fixed = x.toFixed(digits);
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 30));
  const tail = exact.slice(exact.indexOf('.') + 1 + digits);
  if (/^50*$/.test(tail) && Math.abs(x) >= 1e-100) {
    // An exact tie: round to even instead of away from zero.
    const down = exact.slice(0, exact.length - tail.length).replace(/\.$/, '');
    const lastDigit = Number(down.replace('.', '').slice(-1));
    if (lastDigit % 2 === 0) fixed = (x < 0 ? '-' : '') + down;
  }
  const negative = fixed.startsWith('-');
  const [whole = '0', frac] = (negative ? fixed.slice(1) : fixed).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = frac === undefined ? grouped : `${grouped}.${frac}`;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

export const formatNumberFunction = simpleFunction(
  'format_number',
  ['numeric', T.integer],
  [2],
  T.string,
  ([x, d]: [number, number]) => (d < 0 ? null : formatNumber(x, d)),
  { mayReturnNull: true },
);

const charFunction = (name: string): ScalarFunction =>
  simpleFunction(name, [T.long], [1], T.string, ([n]: [number]) => (n < 0 ? '' : String.fromCharCode(n % 256)));

export const typeOf: ScalarFunction = {
  name: 'typeof',
  resolve: neverNullResolve('typeof', [1], T.string),
  evaluate: (_args, _n, _ctx, call) => constVector(simpleString((call.args[0] as BoundExpr).type)),
};

export const uuid: ScalarFunction = {
  name: 'uuid',
  deterministic: false,
  resolve(args) {
    checkArity('uuid', args, [0, 1]);
    return { args: [], type: T.string, nullable: false };
  },
  evaluate(_args, n) {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = randomUUID();
    return valuesVector(out);
  },
};

/**
 * Unique and increasing within one evaluation: Spark puts the partition id in the upper 31 bits
 * and the row's position in the lower 33; Kindling numbers the rows of each batch it evaluates
 * from a per-call counter, so values are unique and increasing but not Spark's exact numbers.
 */
const nextIds = new WeakMap<BoundCall, number>();

export const monotonicallyIncreasingId: ScalarFunction = {
  name: 'monotonically_increasing_id',
  deterministic: false,
  resolve: neverNullResolve('monotonically_increasing_id', [0], T.long),
  evaluate(_args, n, _ctx, call) {
    const start = nextIds.get(call) ?? 0;
    nextIds.set(call, start + n);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = start + i;
    return valuesVector(out);
  },
};

/** The operator with ANSI on, a row that raises giving NULL (Spark's `try_*` functions). */
function tryOf(name: string, base: ScalarFunction, resultDouble = false): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, [2]);
      const r = base.resolve(args, { ...ctx, ansi: true });
      return { ...r, nullable: true, ...(resultDouble ? {} : {}) };
    },
    evaluate(args, n, ctx, call) {
      const strict: EvalContext = { ...ctx, ansi: true };
      try {
        return base.evaluate(args, n, strict, call);
      } catch {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          const row = args.map((a) => constVector(a.kind === 'const' ? a.value : (a.values[i] ?? null)));
          try {
            const v: Vector = base.evaluate(row, 1, strict, call);
            out[i] = v.kind === 'const' ? v.value : (v.values[0] ?? null);
          } catch {
            out[i] = null;
          }
        }
        return valuesVector(out);
      }
    },
  };
}

export const tryDivide = tryOf('try_divide', divide, true);
export const tryAdd = tryOf('try_add', add);
export const trySubtract = tryOf('try_subtract', subtract);
export const tryMultiply = tryOf('try_multiply', multiply);

export const MISC_FUNCTIONS: readonly ScalarFunction[] = [
  left,
  right,
  md5,
  sha2,
  sha1,
  { ...sha1, name: 'sha' },
  hash,
  formatNumberFunction,
  charFunction('char'),
  charFunction('chr'),
  typeOf,
  uuid,
  monotonicallyIncreasingId,
  tryDivide,
  tryAdd,
  trySubtract,
  tryMultiply,
];
