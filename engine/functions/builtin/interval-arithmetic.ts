import type { Vector } from '../../batch/vector.js';
import { AnalysisError, NotSupportedError, RuntimeDataError } from '../../errors/errors.js';
import { B, type BoundExpr } from '../../expr/bound-expr.js';
import { T, isTimestamp } from '../../types/data-type.js';
import { civilFromDays, daysFromCivil, daysInMonth } from '../../types/time-zone.js';
import type { ScalarFunction } from '../function.js';
import { castTo, typeSql } from '../type-coercion.js';
import { timestampAddUnit } from './datetime-fields.js';
import { nullableOf } from './operators.js';
import { map1 } from './vectorize.js';

/**
 * `x + INTERVAL ...` / `x - INTERVAL ...` (the SQL parser's `interval_add(x, sql, op, months,
 * days, micros, daysOnly)`): a timestamp plus a day-time interval moves by that many
 * microseconds, plus a year-month interval by calendar months in the session time zone; a date
 * plus whole days stays a date (Spark's `date_add(d, extractansiintervaldays(...))`), plus months
 * a date with the day clamped to the month's end.
 */

const US_PER_DAY = 86_400_000_000;

function literalValue(e: BoundExpr | undefined): unknown {
  return e?.kind === 'literal' ? e.value : undefined;
}

function addMonthsToDate(days: number, months: number): number {
  const { year, month, day } = civilFromDays(days);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

/**
 * `make_interval(...)` outside `x ± make_interval(...)` (which the SQL parser folds into
 * `interval_add`): its value would be an interval column, a type Kindling does not have.
 */
export const makeInterval: ScalarFunction = {
  name: 'make_interval',
  resolve() {
    throw new NotSupportedError(
      'make_interval as a column value is not supported by Kindling (it has no interval column type); add it to a timestamp or a date in SQL instead, e.g. ts + make_interval(0, 0, 0, 1, 2, 0, 0).',
    );
  },
  evaluate() {
    throw new NotSupportedError('make_interval as a column value is not supported by Kindling.');
  },
};

export const intervalAdd: ScalarFunction = {
  name: 'interval_add',
  resolve(args, ctx) {
    const [x, sql, op, months, days, micros, daysOnly] = args as BoundExpr[];
    const yearMonth = literalValue(months) !== 0;
    if (x === undefined || sql === undefined) throw new AnalysisError('interval_add needs an operand and an interval');
    const onDate = x.type.kind === 'date';
    const folded = String(literalValue(sql)).startsWith('make_interval(');
    // A date plus make_interval stays a date (Spark's DateAddInterval), failing on a time part.
    const whole = onDate && (folded || (literalValue(micros) === 0 && (yearMonth || literalValue(daysOnly) === true)));
    if (!whole && !isTimestamp(x.type) && x.type.kind !== 'string' && !onDate && x.type.kind !== 'null') {
      throw AnalysisError.withClass('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE', {
        sqlExpr: `"${String(literalValue(sql))}"`,
        paramIndex: 'first',
        requiredType: '"TIMESTAMP"',
        inputSql: '"..."',
        inputType: typeSql(x.type),
      });
    }
    const operand = whole || isTimestamp(x.type) ? x : castTo(x, T.timestamp, ctx);
    const mode = onDate && !yearMonth && whole && !folded ? 'date_days' : 'infix';
    void days;
    return {
      args: [operand, ...args.slice(1, 7), B.lit(mode, T.string)],
      type: whole ? T.date : operand.type,
      nullable: nullableOf(operand),
    };
  },
  evaluate(args, n, ctx, call) {
    const sign = literalValue(call.args[2]) === '-' ? -1 : 1;
    const months = sign * Number(literalValue(call.args[3]));
    const days = sign * Number(literalValue(call.args[4]));
    const micros = sign * Number(literalValue(call.args[5]));
    const x = args[0] as Vector;
    if (call.type.kind === 'date') {
      return map1(x, n, (d: number) => {
        if (micros !== 0) {
          throw new RuntimeDataError('', { errorClass: 'INVALID_INTERVAL_WITH_MICROSECONDS_ADDITION', sparkClass: 'org.apache.spark.SparkIllegalArgumentException' });
        }
        return (months !== 0 ? addMonthsToDate(d, months) : d) + days;
      });
    }
    const tz = call.type.kind === 'timestamp_ntz' ? 'UTC' : ctx.timeZone;
    if (months !== 0) return map1(x, n, (us: number) => timestampAddUnit('MONTH', months, us, tz) + days * US_PER_DAY + micros);
    return map1(x, n, (us: number) => us + days * US_PER_DAY + micros);
  },
  prettyName(a) {
    const [x = '', sql = '', op = '+'] = a;
    if (a[7] === 'date_days') return `${op === '-' ? 'date_sub' : 'date_add'}(${x}, extractansiintervaldays(${sql}))`;
    return `${x} ${op} ${sql}`;
  },
};
