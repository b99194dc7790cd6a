import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import type { Call, Expr } from '../expr/expr.js';
import { PlanBuilder } from '../plan/builder.js';
import { isTimestamp } from '../types/data-type.js';
import { prettyName } from '../expr/pretty-name.js';
import { castTo, exprSql, implicitCastType, typeSql } from '../functions/type-coercion.js';
import { windowDurationMicros } from '../types/interval.js';
import type { AnalyzerContext } from './context.js';
import { findCalls } from './expr-walk.js';
import { ExprResolver } from './resolve-expr.js';
import type { Resolved } from './resolved.js';
import { Scope } from './scope.js';
import { B, type BoundExpr } from '../expr/bound-expr.js';

const isWindowCall = (c: Call): boolean => ['window', 'session_window'].includes(c.name.toLowerCase());

/**
 * Spark's TimeWindowing rule: a `window(time, width[, slide[, start]])` call in a select list or
 * GROUP BY becomes a TimeWindow node below, and the call itself a reference to its `window` column.
 * Returns the new input and the mapping for the resolver, or undefined when there is no window call.
 */
export function planTimeWindow(
  ctx: AnalyzerContext,
  input: Resolved,
  exprs: readonly Expr[],
): { input: Resolved; mapping: (call: Expr) => BoundExpr | undefined } | undefined {
  const calls = findCalls(exprs, isWindowCall);
  const first = calls[0];
  if (!first) return undefined;
  const key = JSON.stringify(first);
  if (calls.some((c) => JSON.stringify(c) !== key)) {
    throw new AnalysisError(
      'Multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported.',
    );
  }
  if (first.name.toLowerCase() === 'session_window') {
    throw new NotSupportedError('session_window is not supported by Kindling.');
  }
  const [timeArg, widthArg, slideArg, startArg] = first.args;
  if (!timeArg || !widthArg || first.args.length > 4) {
    throw new AnalysisError('', {
      errorClass: 'WRONG_NUM_ARGS.WITHOUT_SUGGESTION',
      messageParameters: {
        functionName: '`window`',
        expectedNum: '[2, 3, 4]',
        actualNum: String(first.args.length),
        docroot: 'https://spark.apache.org/docs/latest',
      },
    });
  }
  const scope = Scope.of(input.plan, input.qualifiers);
  const resolved = new ExprResolver(ctx, scope).resolve(timeArg);
  const widthUs = duration(widthArg, 'window_duration');
  const slideUs = slideArg ? duration(slideArg, 'slide_duration') : widthUs;
  const startUs = startArg ? duration(startArg, 'start_time') : 0;
  // TimeWindow's implicit cast: strings and dates become timestamps; other types are refused.
  const timeType = implicitCastType(resolved.type, 'anyTimestamp');
  if (timeType === undefined || !isTimestamp(timeType)) {
    throw AnalysisError.withClass('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE', {
      sqlExpr: `"window(${prettyName(resolved)}, ${widthUs}, ${slideUs}, ${startUs})"`,
      paramIndex: 'first',
      requiredType:
        '("(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)" or "STRUCT<start: TIMESTAMP, end: TIMESTAMP>" or "STRUCT<start: TIMESTAMP_NTZ, end: TIMESTAMP_NTZ>")',
      inputSql: exprSql(resolved),
      inputType: typeSql(resolved.type),
    });
  }
  const time = castTo(resolved, timeType, ctx.conf);
  validateWindow(widthUs, slideUs, startUs);
  const node = PlanBuilder.timeWindow(input.plan, time, widthUs, slideUs, startUs);
  const windowIndex = node.schema.fields.length - 1;
  const windowField = node.schema.fields[windowIndex];
  const windowRef = B.ref(windowIndex, windowField?.type ?? time.type, 'window', true);
  return {
    input: { plan: node, qualifiers: [...input.qualifiers, undefined] },
    mapping: (call) => (JSON.stringify(call) === key ? windowRef : undefined),
  };
}

function duration(arg: Expr, param: string): number {
  if (arg.kind === 'literal') {
    if (typeof arg.value === 'string') return windowDurationMicros(arg.value, param);
    if (typeof arg.value === 'number' && Number.isInteger(arg.value)) return arg.value;
  }
  throw new AnalysisError('The duration and time inputs to window must be an integer, long or string literal.');
}

function validateWindow(widthUs: number, slideUs: number, startUs: number): void {
  if (widthUs <= 0) throw outOfRange('window_duration', widthUs);
  if (slideUs <= 0) throw outOfRange('slide_duration', slideUs);
  if (slideUs > widthUs) {
    throw new AnalysisError('', {
      errorClass: 'DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION',
      messageParameters: {
        sqlExpr: '"window"',
        leftExprName: '`slide_duration`',
        leftExprValue: `${slideUs}L`,
        constraint: '<=',
        rightExprName: '`window_duration`',
        rightExprValue: `${widthUs}L`,
      },
    });
  }
  if (Math.abs(startUs) >= slideUs) {
    throw new AnalysisError('', {
      errorClass: 'DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION',
      messageParameters: {
        sqlExpr: '"window"',
        leftExprName: '`abs(start_time)`',
        leftExprValue: `${Math.abs(startUs)}L`,
        constraint: '<',
        rightExprName: '`slide_duration`',
        rightExprValue: `${slideUs}L`,
      },
    });
  }
}

function outOfRange(name: string, value: number): AnalysisError {
  return new AnalysisError('', {
    errorClass: 'DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE',
    messageParameters: {
      sqlExpr: '"window"',
      exprName: `\`${name}\``,
      valueRange: '(0, 9223372036854775807]',
      currentValue: `${value}L`,
    },
  });
}
