import { E, type Alias, type Expr, type FrameBoundary, type SortOrder, type WindowExpr, type WindowFrame } from '../expr/expr.js';
import type {
  _spark_connect_Expression_Window as WindowProto,
  _spark_connect_Expression_Window__Output as WindowMsg,
  _spark_connect_Expression_Window_WindowFrame_FrameBoundary as BoundaryProto,
  _spark_connect_Expression_Window_WindowFrame_FrameBoundary__Output as BoundaryMsg,
} from '../../proto/generated/spark/connect/Expression.js';
import { decodeDataTypeOrString, encodeDataType } from './data-type-serde.js';
import { decodeLiteral, encodeLiteral } from './literal-serde.js';
import { invalidPlan, oneofCase, oneofNotSet, required, toNumber, unsupportedKind } from './plan-errors.js';
import type { AliasMsg, AliasProto, ExpressionMsg, ExpressionProto, SortOrderMsg, SortOrderProto } from './wire-types.js';

/** A Spark Connect expression as our unresolved Expr. `common` (the client's origin info) is ignored. */
export function decodeExpression(msg: ExpressionMsg): Expr {
  const kind = oneofCase(msg, 'expr_type', ['common']);
  switch (kind) {
    case undefined:
      throw oneofNotSet('spark.connect.Expression', 'expr_type');
    case 'literal':
      return decodeLiteral(required(msg.literal, 'A literal expression has no value.'));
    case 'unresolved_attribute': {
      const a = required(msg.unresolved_attribute, 'An attribute has no identifier.');
      return E.col(a.unparsed_identifier, optionalId(a.plan_id));
    }
    case 'unresolved_function': {
      const f = required(msg.unresolved_function, 'A function call has no name.');
      return E.call(f.function_name, decodeAll(f.arguments), f.is_distinct ?? false);
    }
    case 'call_function': {
      const f = required(msg.call_function, 'A function call has no name.');
      return E.call(f.function_name, decodeAll(f.arguments));
    }
    case 'expression_string':
      return E.exprString(msg.expression_string?.expression ?? '');
    case 'unresolved_star': {
      const s = msg.unresolved_star;
      const target = s?.unparsed_target ?? undefined;
      return E.star(target === '' ? undefined : target, optionalId(s?.plan_id));
    }
    case 'alias':
      return decodeAlias(required(msg.alias, 'An alias has no expression.'));
    case 'cast': {
      const c = required(msg.cast, 'A cast has no expression.');
      const child = decodeExpression(required(c.expr, 'A cast has no expression.'));
      const to = c.type ? decodeDataTypeOrString(c.type) : c.type_str;
      if (to === undefined || to === null) throw invalidPlan('A cast has no target type.');
      return E.cast(child, to, evalMode(c.eval_mode));
    }
    case 'sort_order':
      return decodeSortOrder(required(msg.sort_order, 'A sort order has no expression.'));
    case 'unresolved_extract_value': {
      const x = required(msg.unresolved_extract_value, 'An extract value has no child.');
      return E.extract(
        decodeExpression(required(x.child, 'An extract value has no child.')),
        decodeExpression(required(x.extraction, 'An extract value has no extraction.')),
      );
    }
    case 'lambda_function': {
      const l = required(msg.lambda_function, 'A lambda function has no body.');
      const params = (l.arguments ?? []).map((v) => lambdaName(v.name_parts));
      if (params.length < 1 || params.length > 3) {
        throw invalidPlan(`LambdaFunction requires 1 ~ 3 arguments, but got ${params.length} ones!`);
      }
      return E.lambda(params, decodeExpression(required(l.function, 'A lambda function has no body.')));
    }
    case 'unresolved_named_lambda_variable':
      return E.lambdaVariable(lambdaName(msg.unresolved_named_lambda_variable?.name_parts ?? []));
    case 'window':
      return decodeWindow(required(msg.window, 'A window expression has no function.'));
    default:
      throw unsupportedKind('Expression', kind);
  }
}

function decodeAll(msgs: readonly ExpressionMsg[] | undefined): Expr[] {
  return (msgs ?? []).map(decodeExpression);
}

function optionalId(v: string | number | null | undefined): number | undefined {
  return v === undefined || v === null ? undefined : toNumber(v);
}

function lambdaName(parts: readonly string[]): string {
  if (parts.length === 0) throw invalidPlan('UnresolvedNamedLambdaVariable requires at least one name part!');
  return parts.join('.');
}

function evalMode(mode: string | undefined): 'legacy' | 'ansi' | 'try' | undefined {
  switch (mode) {
    case 'EVAL_MODE_LEGACY':
      return 'legacy';
    case 'EVAL_MODE_ANSI':
      return 'ansi';
    case 'EVAL_MODE_TRY':
      return 'try';
    default:
      return undefined;
  }
}

/** `Expression.Alias` (also the element type of WithColumns.aliases). */
export function decodeAlias(a: AliasMsg): Alias {
  const child = decodeExpression(required(a.expr, 'An alias has no expression.'));
  const names = a.name ?? [];
  if (names.length === 0) throw invalidPlan('An alias has no name.');
  const alias = E.alias(child, ...names);
  if (a.metadata === undefined || a.metadata === null || a.metadata === '') return alias;
  let metadata: unknown;
  try {
    metadata = JSON.parse(a.metadata);
  } catch {
    throw invalidPlan(`Alias metadata is not JSON: ${a.metadata}`);
  }
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw invalidPlan(`Alias metadata is not a JSON object: ${a.metadata}`);
  }
  return Object.freeze({ ...alias, metadata: metadata as Record<string, unknown> });
}

/** `Expression.SortOrder`; unspecified direction is ascending, unspecified null ordering is Spark's default. */
export function decodeSortOrder(s: SortOrderMsg): SortOrder {
  const child = decodeExpression(required(s.child, 'A sort order has no expression.'));
  const ascending = s.direction !== 'SORT_DIRECTION_DESCENDING';
  const nulls = s.null_ordering;
  const nullsFirst = nulls === 'SORT_NULLS_FIRST' ? true : nulls === 'SORT_NULLS_LAST' ? false : undefined;
  return E.sortOrder(child, ascending, nullsFirst);
}

/** Our Expr as a Spark Connect expression. */
export function encodeExpression(e: Expr): ExpressionProto {
  switch (e.kind) {
    case 'literal':
      return { literal: encodeLiteral(e) };
    case 'column':
      return {
        unresolved_attribute:
          e.planId === undefined
            ? { unparsed_identifier: e.name }
            : { unparsed_identifier: e.name, plan_id: e.planId },
      };
    case 'call':
      return {
        unresolved_function: { function_name: e.name, arguments: e.args.map(encodeExpression), is_distinct: e.distinct },
      };
    case 'exprString':
      return { expression_string: { expression: e.sql } };
    case 'star': {
      const star: NonNullable<ExpressionProto['unresolved_star']> = {};
      if (e.target !== undefined) star.unparsed_target = e.target.endsWith('*') ? e.target : `${e.target}.*`;
      if (e.planId !== undefined) star.plan_id = e.planId;
      return { unresolved_star: star };
    }
    case 'alias':
      return { alias: encodeAlias(e) };
    case 'cast': {
      const expr = encodeExpression(e.expr);
      const cast: NonNullable<ExpressionProto['cast']> =
        typeof e.to === 'string' ? { expr, type_str: e.to } : { expr, type: encodeDataType(e.to) };
      if (e.mode !== undefined) cast.eval_mode = `EVAL_MODE_${e.mode.toUpperCase() as 'LEGACY' | 'ANSI' | 'TRY'}`;
      return { cast };
    }
    case 'sortOrder':
      return { sort_order: encodeSortOrder(e) };
    case 'extract':
      return {
        unresolved_extract_value: { child: encodeExpression(e.child), extraction: encodeExpression(e.extraction) },
      };
    case 'lambda':
      return {
        lambda_function: {
          function: encodeExpression(e.body),
          arguments: e.params.map((p) => ({ name_parts: p.split('.') })),
        },
      };
    case 'lambdaVariable':
      return { unresolved_named_lambda_variable: { name_parts: e.name.split('.') } };
    case 'window':
      return { window: encodeWindow(e) };
    default: {
      const never: never = e;
      throw invalidPlan(`Cannot encode expression ${JSON.stringify(never)}.`);
    }
  }
}

export function encodeAlias(a: Alias): AliasProto {
  const alias: AliasProto = { expr: encodeExpression(a.expr), name: [...a.names] };
  if (a.metadata !== undefined) alias.metadata = JSON.stringify(a.metadata);
  return alias;
}

export function encodeSortOrder(s: SortOrder): SortOrderProto {
  return {
    child: encodeExpression(s.expr),
    direction: s.ascending ? 'SORT_DIRECTION_ASCENDING' : 'SORT_DIRECTION_DESCENDING',
    null_ordering: s.nullsFirst ? 'SORT_NULLS_FIRST' : 'SORT_NULLS_LAST',
  };
}

// Windows hold expressions and are expressions: their codec recurses with the one above, so it lives here.

/** Connect's Expression.Window (what `F.row_number().over(Window...)` sends). */
function decodeWindow(w: WindowMsg): WindowExpr {
  const fn = decodeExpression(required(w.window_function, 'A window expression has no function.'));
  const partitionBy = (w.partition_spec ?? []).map(decodeExpression);
  const orderBy = (w.order_spec ?? []).map(decodeSortOrder);
  const f = w.frame_spec;
  if (f === null || f === undefined || f.frame_type === 'FRAME_TYPE_UNDEFINED') return E.window(fn, partitionBy, orderBy);
  const frame: WindowFrame = {
    type: f.frame_type === 'FRAME_TYPE_ROW' ? 'rows' : 'range',
    lower: decodeBoundary(f.lower, 'lower'),
    upper: decodeBoundary(f.upper, 'upper'),
  };
  return E.window(fn, partitionBy, orderBy, frame);
}

function decodeBoundary(b: BoundaryMsg | null | undefined, which: string): FrameBoundary {
  if (b === null || b === undefined) throw invalidPlan(`A window frame has no ${which} boundary.`);
  const which2 = b.boundary ?? (b.value ? 'value' : b.unbounded === true ? 'unbounded' : b.current_row === true ? 'current_row' : undefined);
  if (which2 === 'current_row') return { kind: 'currentRow' };
  if (which2 === 'unbounded') return { kind: 'unbounded' };
  if (which2 === 'value' && b.value) return { kind: 'value', value: decodeExpression(b.value) };
  throw invalidPlan(`A window frame's ${which} boundary is not set.`);
}

function encodeWindow(w: WindowExpr): WindowProto {
  const out: WindowProto = {
    window_function: encodeExpression(w.fn),
    partition_spec: w.partitionBy.map(encodeExpression),
    order_spec: w.orderBy.map(encodeSortOrder),
  };
  if (w.frame) {
    out.frame_spec = {
      frame_type: w.frame.type === 'rows' ? 'FRAME_TYPE_ROW' : 'FRAME_TYPE_RANGE',
      lower: encodeBoundary(w.frame.lower),
      upper: encodeBoundary(w.frame.upper),
    };
  }
  return out;
}

function encodeBoundary(b: FrameBoundary): BoundaryProto {
  switch (b.kind) {
    case 'unbounded':
      return { unbounded: true };
    case 'currentRow':
      return { current_row: true };
    case 'value':
      return { value: encodeExpression(b.value as Expr) };
    default: {
      const never: never = b;
      throw invalidPlan(`Unknown frame boundary ${JSON.stringify(never)}`);
    }
  }
}
