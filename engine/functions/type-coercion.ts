import { AnalysisError } from '../errors/errors.js';
import { B, type BoundExpr } from '../expr/bound-expr.js';
import { dataTypeToSql } from '../types/type-sql.js';
import { prettyCall, prettyName } from '../expr/pretty-name.js';
import { T, isIntegral, isNumeric, type DataType, type StructField } from '../types/data-type.js';
import type { ResolveContext } from './function.js';

/**
 * Spark 4's ANSI type coercion (`AnsiTypeCoercion`): numeric widening along the precedence
 * byte < short < int < long < float < double (an integral meeting a float widens to double),
 * date < timestamp, NULL to anything, and strings promoted to the other side's type (bigint for
 * integrals, double for fractionals). Casts it inserts are marked implicit, so names hide them.
 */

/** What a parameter accepts: a concrete type, an abstract family, or a collection of those (first match wins). */
export type TypeSpec =
  | DataType
  | 'numeric'
  | 'integral'
  | 'any'
  | 'array'
  | 'anyTimestamp'
  | 'intervalDayTime'
  | 'intervalYearMonth'
  | 'interval'
  | 'decimal'
  | readonly TypeSpec[];

/** Spark's `NumericAndAnsiInterval`, what unary minus, abs and friends accept. */
export const NUMERIC_OR_ANSI_INTERVAL: TypeSpec = ['numeric', 'intervalDayTime', 'intervalYearMonth'];
/** What `+` and `-` accept (`NumericAndInterval`). */
export const NUMERIC_OR_INTERVAL: TypeSpec = ['numeric', 'intervalDayTime', 'intervalYearMonth', 'interval'];

const NUMERIC_ORDER = ['byte', 'short', 'integer', 'long', 'float', 'double'] as const;

function numericRank(t: DataType): number {
  return (NUMERIC_ORDER as readonly string[]).indexOf(t.kind);
}

function isDatetime(t: DataType): boolean {
  return t.kind === 'date' || t.kind === 'timestamp' || t.kind === 'timestamp_ntz';
}

function isAtomic(t: DataType): boolean {
  return t.kind !== 'array' && t.kind !== 'map' && t.kind !== 'struct' && t.kind !== 'null';
}

/** Equal up to nullability flags, which coercion never needs to change. */
export function sameType(a: DataType, b: DataType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'array' && b.kind === 'array') return sameType(a.elementType, b.elementType);
  if (a.kind === 'map' && b.kind === 'map') return sameType(a.keyType, b.keyType) && sameType(a.valueType, b.valueType);
  if (a.kind === 'struct' && b.kind === 'struct') {
    return (
      a.fields.length === b.fields.length &&
      a.fields.every((f, i) => {
        const g = b.fields[i] as StructField;
        return f.name === g.name && sameType(f.type, g.type);
      })
    );
  }
  return true;
}

/** `findTightestCommonType`: the narrowest type both sides widen to without going through strings. */
export function tightestCommonType(a: DataType, b: DataType): DataType | undefined {
  if (sameType(a, b)) return a.kind === 'array' || a.kind === 'map' || a.kind === 'struct' ? mergeComplex(a, b, tightestCommonType) : a;
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (isNumeric(a) && isNumeric(b)) {
    const wider = NUMERIC_ORDER[Math.max(numericRank(a), numericRank(b))] ?? 'double';
    return wider === 'float' ? T.double : T[wider];
  }
  if (isDatetime(a) && isDatetime(b)) {
    if (a.kind === 'timestamp' || b.kind === 'timestamp') return T.timestamp;
    return T.timestamp_ntz;
  }
  return mergeComplex(a, b, tightestCommonType);
}

/** `findWiderTypeForTwo` (ANSI): tightest common type, else string promotion, else element-wise. */
export function widerType(a: DataType, b: DataType): DataType | undefined {
  return tightestCommonType(a, b) ?? stringPromotion(a, b) ?? mergeComplex(a, b, widerType);
}

/** The wider type of many (NULL when empty), or undefined when some pair has none. */
export function widerCommonType(types: readonly DataType[]): DataType | undefined {
  let acc: DataType | undefined = T.null;
  for (const t of types) {
    if (acc === undefined) return undefined;
    acc = widerType(acc, t);
  }
  return acc;
}

/** A string meeting another atomic type becomes that type (bigint for integrals, double for fractionals). */
export function stringPromotion(a: DataType, b: DataType): DataType | undefined {
  if (a.kind === 'string') {
    if (isIntegral(b)) return T.long;
    if (b.kind === 'float' || b.kind === 'double') return T.double;
    if (b.kind === 'null') return a;
    if (isAtomic(b)) return b;
    return undefined;
  }
  return b.kind === 'string' ? stringPromotion(b, a) : undefined;
}

function mergeComplex(
  a: DataType,
  b: DataType,
  inner: (x: DataType, y: DataType) => DataType | undefined,
): DataType | undefined {
  if (a.kind === 'array' && b.kind === 'array') {
    const el = inner(a.elementType, b.elementType);
    return el && T.array(el, a.containsNull || b.containsNull);
  }
  if (a.kind === 'map' && b.kind === 'map') {
    const k = inner(a.keyType, b.keyType);
    const v = inner(a.valueType, b.valueType);
    return k && v && T.map(k, v, a.valueContainsNull || b.valueContainsNull);
  }
  if (a.kind === 'struct' && b.kind === 'struct' && a.fields.length === b.fields.length) {
    const fields: StructField[] = [];
    for (let i = 0; i < a.fields.length; i++) {
      const f = a.fields[i] as StructField;
      const g = b.fields[i] as StructField;
      if (f.name.toLowerCase() !== g.name.toLowerCase()) return undefined;
      const t = inner(f.type, g.type);
      if (!t) return undefined;
      fields.push(T.field(f.name, t, f.nullable || g.nullable));
    }
    return T.struct(fields);
  }
  return undefined;
}

export function specAccepts(spec: TypeSpec, t: DataType): boolean {
  if (isCollection(spec)) return spec.some((s) => specAccepts(s, t));
  if (typeof spec !== 'string') return sameType(spec, t);
  switch (spec) {
    case 'numeric':
      return isNumeric(t);
    case 'integral':
      return isIntegral(t);
    case 'any':
      return true;
    case 'array':
      return t.kind === 'array';
    case 'anyTimestamp':
      return t.kind === 'timestamp' || t.kind === 'timestamp_ntz';
    default:
      return false;
  }
}

function isCollection(spec: TypeSpec): spec is readonly TypeSpec[] {
  return Array.isArray(spec);
}

function defaultConcrete(spec: TypeSpec): DataType | undefined {
  if (isCollection(spec)) return undefined;
  if (typeof spec !== 'string') return spec;
  switch (spec) {
    case 'numeric':
      return T.double;
    case 'integral':
      return T.integer;
    case 'anyTimestamp':
      return T.timestamp;
    default:
      return undefined;
  }
}

/** Spark's `Cast.canANSIStoreAssign`: the implicit conversions a parameter of type `to` allows. */
export function canStoreAssign(from: DataType, to: DataType): boolean {
  if (sameType(from, to) || from.kind === 'null') return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (to.kind === 'string') return isAtomic(from);
  if (from.kind === 'date') return to.kind === 'timestamp' || to.kind === 'timestamp_ntz';
  if (from.kind === 'timestamp' || from.kind === 'timestamp_ntz') return to.kind === 'timestamp' || to.kind === 'timestamp_ntz';
  if (from.kind === 'array' && to.kind === 'array') return canStoreAssign(from.elementType, to.elementType);
  return false;
}

/** The type an argument of type `from` is implicitly cast to for a parameter `spec`, if any (ANSI `implicitCast`). */
export function implicitCastType(from: DataType, spec: TypeSpec): DataType | undefined {
  if (specAccepts(spec, from)) return from;
  if (from.kind === 'string' && spec !== 'array' && spec !== 'any' && !isCollection(spec) && !(typeof spec === 'object' && !isAtomic(spec))) {
    return defaultConcrete(spec);
  }
  if ((from.kind === 'float' || from.kind === 'double') && spec === 'integral') return undefined;
  if (from.kind === 'array' && typeof spec === 'object' && !isCollection(spec) && spec.kind === 'array') {
    const el = implicitCastType(from.elementType, spec.elementType);
    return el && T.array(el, true);
  }
  if (isCollection(spec)) {
    for (const s of spec) {
      const t = implicitCastType(from, s);
      if (t) return t;
    }
    return undefined;
  }
  const concrete = defaultConcrete(spec);
  return concrete && canStoreAssign(from, concrete) ? concrete : undefined;
}

/** `e` as type `t`, through an implicit cast when the types differ. */
export function castTo(e: BoundExpr, t: DataType, ctx: ResolveContext): BoundExpr {
  if (sameType(e.type, t)) return e;
  if (e.kind === 'literal' && e.value === null) return B.lit(null, t);
  return B.cast(e, t, ctx.ansi ? 'ansi' : 'legacy', true);
}

/** Casts each argument to its parameter's type, or raises `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`. */
export function coerceArgs(
  fn: string,
  args: readonly BoundExpr[],
  specs: readonly TypeSpec[],
  ctx: ResolveContext,
): BoundExpr[] {
  return args.map((a, i) => {
    const spec = specs[Math.min(i, specs.length - 1)];
    if (spec === undefined) return a;
    const t = implicitCastType(a.type, spec);
    if (!t) throw unexpectedInputType(fn, args, i, spec);
    return castTo(a, t, ctx);
  });
}

/** Casts every argument to their wider common type, or raises `DATATYPE_MISMATCH.DATA_DIFF_TYPES`. */
export function coerceToCommon(fn: string, args: readonly BoundExpr[], ctx: ResolveContext): { args: BoundExpr[]; type: DataType } {
  const type = widerCommonType(args.map((a) => a.type));
  if (!type) throw dataDiffTypes(fn, args, args);
  return { args: args.map((a) => castTo(a, type, ctx)), type };
}

// ---- errors, with Spark's parameters ----

/** `"(a + b)"`: a call's pretty SQL in double quotes, as Spark's `toSQLExpr`. */
export function callSql(fn: string, args: readonly BoundExpr[]): string {
  return `"${prettyCall(fn, args.map((a) => prettyName(a)))}"`;
}

export function exprSql(e: BoundExpr): string {
  return `"${prettyName(e)}"`;
}

export function typeSql(t: DataType): string {
  return `"${dataTypeToSql(t)}"`;
}

export function specSql(spec: TypeSpec): string {
  if (isCollection(spec)) return `(${spec.map(specSql).join(' or ')})`;
  if (typeof spec !== 'string') return typeSql(spec);
  switch (spec) {
    case 'numeric':
      return '"NUMERIC"';
    case 'integral':
      return '"INTEGRAL"';
    case 'any':
      return '"ANY"';
    case 'array':
      return '"ARRAY"';
    case 'anyTimestamp':
      return '("TIMESTAMP" or "TIMESTAMP_NTZ")';
    case 'intervalDayTime':
      return '"INTERVAL DAY TO SECOND"';
    case 'intervalYearMonth':
      return '"INTERVAL YEAR TO MONTH"';
    case 'interval':
      return '"INTERVAL"';
    case 'decimal':
      return '"DECIMAL"';
    default:
      return `"${String(spec).toUpperCase()}"`;
  }
}

/** Spark's `ordinalNumber`: first, second, third, 4th, ... */
export function ordinal(i: number): string {
  return ['first', 'second', 'third'][i] ?? `${i + 1}th`;
}

export function unexpectedInputType(fn: string, args: readonly BoundExpr[], index: number, spec: TypeSpec): AnalysisError {
  const arg = args[index] as BoundExpr;
  return AnalysisError.withClass('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE', {
    sqlExpr: callSql(fn, args),
    paramIndex: ordinal(index),
    requiredType: specSql(spec),
    inputSql: exprSql(arg),
    inputType: typeSql(arg.type),
  });
}

export function binaryOpDiffTypes(fn: string, args: readonly BoundExpr[]): AnalysisError {
  return AnalysisError.withClass('DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES', {
    sqlExpr: callSql(fn, args),
    left: typeSql((args[0] as BoundExpr).type),
    right: typeSql((args[1] as BoundExpr).type),
  });
}

export function binaryOpWrongType(fn: string, args: readonly BoundExpr[], spec: TypeSpec, actual: DataType): AnalysisError {
  return AnalysisError.withClass('DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE', {
    sqlExpr: callSql(fn, args),
    inputType: specSql(spec),
    actualDataType: typeSql(actual),
  });
}

/** `DATA_DIFF_TYPES` over `typed` (the arguments that must agree), reported on the call `fn(args)`. */
export function dataDiffTypes(fn: string, args: readonly BoundExpr[], typed: readonly BoundExpr[]): AnalysisError {
  return AnalysisError.withClass('DATATYPE_MISMATCH.DATA_DIFF_TYPES', {
    sqlExpr: callSql(fn, args),
    functionName: `\`${fn.toLowerCase()}\``,
    dataType: `(${typed.map((a) => typeSql(a.type)).join(' or ')})`,
  });
}

export function nonFoldableInput(fn: string, args: readonly BoundExpr[], inputName: string, index: number, type: DataType): AnalysisError {
  return AnalysisError.withClass('DATATYPE_MISMATCH.NON_FOLDABLE_INPUT', {
    sqlExpr: callSql(fn, args),
    inputName: `\`${inputName}\``,
    inputType: typeSql(type),
    inputExpr: exprSql(args[index] as BoundExpr),
  });
}

/** `WRONG_NUM_ARGS.WITHOUT_SUGGESTION`; `expected` lists the valid counts, e.g. [2, 3]. */
export function wrongNumArgs(fn: string, expected: readonly number[], actual: number): AnalysisError {
  const expectedNum = expected.length === 1 ? String(expected[0]) : `[${expected.join(', ')}]`;
  return AnalysisError.withClass('WRONG_NUM_ARGS.WITHOUT_SUGGESTION', {
    functionName: `\`${fn.toLowerCase()}\``,
    expectedNum,
    actualNum: String(actual),
    docroot: 'https://spark.apache.org/docs/latest',
  });
}

/** Checks the argument count: exact counts, or a minimum (`{ min }`) for varargs functions. */
export function checkArity(fn: string, args: readonly BoundExpr[], counts: readonly number[] | { readonly min: number }): void {
  if (Array.isArray(counts)) {
    const list = counts as readonly number[];
    if (!list.includes(args.length)) throw wrongNumArgs(fn, list, args.length);
    return;
  }
  const min = (counts as { readonly min: number }).min;
  if (args.length < min) {
    throw AnalysisError.withClass('WRONG_NUM_ARGS.WITHOUT_SUGGESTION', {
      functionName: `\`${fn.toLowerCase()}\``,
      expectedNum: `> ${min - 1}`,
      actualNum: String(args.length),
      docroot: 'https://spark.apache.org/docs/latest',
    });
  }
}

/** True when an expression is a constant (Spark's `foldable`): literals and calls/casts over them. */
export function isFoldable(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'literal':
      return true;
    case 'cast':
    case 'getField':
      return isFoldable(e.expr);
    case 'call':
      return e.args.length > 0 && e.args.every(isFoldable) && !NON_FOLDABLE.has(e.fn);
    case 'ref':
      return false;
    default:
      return false;
  }
}

const NON_FOLDABLE: ReadonlySet<string> = new Set(['rand', 'randn', 'uuid', 'current_timestamp', 'now', 'current_date']);
