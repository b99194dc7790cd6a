import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import { B, mapChildren, type BoundExpr, type BoundLambdaVar } from '../expr/bound-expr.js';
import type { ScalarFunction } from '../functions/function.js';
import { canCast } from '../expr/cast.js';
import type { Expr, WindowExpr } from '../expr/expr.js';
import { prettyAggregateName, prettyName } from '../expr/pretty-name.js';
import { parseExpression } from '../sql/index.js';
import { parseDataType } from '../sql/data-type-parser.js';
import { T, simpleString, type DataType } from '../types/data-type.js';
import type { AggregateCall } from '../plan/analyzed-plan.js';
import type { AnalyzerContext } from './context.js';
import { parseIdentifierParts, quoteIdentifier } from './identifier.js';
import { extractField, type ResolvedName, type Scope } from './scope.js';

/** A resolved expression and the column name Spark would give it. */
export interface NamedBound {
  readonly expr: BoundExpr;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Collects aggregate calls met while resolving an aggregation's output expressions. Each call is
 * stood in for by a placeholder reference with a negative index (`-1 - k`), replaced once the
 * aggregate node's layout is known (see `bindOverAggregate`).
 */
export class AggregateCollector {
  readonly calls: { call: AggregateCall; name: string; nullable: boolean }[] = [];

  add(call: AggregateCall, name: string, nullable: boolean): BoundExpr {
    const key = JSON.stringify(call);
    let k = this.calls.findIndex((c) => JSON.stringify(c.call) === key);
    if (k < 0) {
      k = this.calls.length;
      this.calls.push({ call, name, nullable });
    }
    return B.ref(-1 - k, call.type, name, nullable);
  }
}

export interface ResolveOptions {
  /** Present where aggregate functions are allowed (aggregation output, HAVING). */
  readonly aggregates?: AggregateCollector;
  /** Maps a `window(...)` call to the column a TimeWindow node added below. */
  readonly timeWindow?: (call: Expr) => BoundExpr | undefined;
  /** Resolves `df.col` (a reference carrying a plan id) on the side of a join it came from. */
  readonly planColumn?: (name: string, planId: number) => ResolvedName | undefined;
  /** Maps `fn OVER (...)` to the column a Window node adds (see window.ts). */
  readonly window?: (e: WindowExpr, resolver: ExprResolver) => NamedBound;
  /** Resolving an aggregate's arguments: another aggregate there is NESTED_AGGREGATE_FUNCTION. */
  readonly insideAggregate?: boolean;
}

/** Resolves unresolved expressions against one scope. */
export class ExprResolver {
  constructor(
    private readonly ctx: AnalyzerContext,
    private readonly scope: Scope,
    private readonly options: ResolveOptions = {},
    /** Lambda variables in scope (inside a lambda's body), by lower-case name, and the nesting level. */
    private readonly lambdas: ReadonlyMap<string, BoundLambdaVar> = new Map(),
    private readonly lambdaLevel = 0,
  ) {}

  resolve(e: Expr): BoundExpr {
    return this.resolveNamed(e).expr;
  }

  resolveNamed(e: Expr): NamedBound {
    switch (e.kind) {
      case 'column': {
        const byPlan = e.planId === undefined ? undefined : this.options.planColumn?.(e.name, e.planId);
        if (byPlan) return { expr: byPlan.expr, name: byPlan.name };
        const r = this.scope.resolve(parseIdentifierParts(e.name), e.planId);
        return { expr: r.expr, name: r.name };
      }
      case 'literal':
        return this.named(B.lit(e.value, e.type));
      case 'alias': {
        const inner = this.resolveNamed(e.expr);
        if (e.names.length !== 1) {
          throw new AnalysisError(`Multi-name alias ${e.names.join(', ')} is only allowed on a generator.`);
        }
        return { expr: inner.expr, name: e.names[0] as string, ...(e.metadata ? { metadata: e.metadata } : {}) };
      }
      case 'cast': {
        // Spark's ResolveAliases: a cast of a column keeps the column's name (`CAST(n AS DOUBLE)` is `n`).
        const child = this.resolveNamed(e.expr);
        const resolved = this.resolveCast(child.expr, e.to, e.mode);
        const cast = e.typedLiteral && resolved.kind === 'cast' ? Object.freeze({ ...resolved, typedLiteral: true as const }) : resolved;
        return child.expr.kind === 'ref' && e.expr.kind === 'column' ? { expr: cast, name: child.name } : this.named(cast);
      }
      case 'call':
        return this.named(this.resolveCall(e));
      case 'extract':
        return this.resolveExtract(e.child, e.extraction);
      case 'exprString':
        return this.resolveNamed(parseExpression(e.sql));
      case 'star':
        throw new AnalysisError(
          `Invalid usage of '*' in expression${e.target ? ` '${e.target}.*'` : ''}; '*' is only allowed in select lists and count(*).`,
          { errorClass: 'INVALID_USAGE_OF_STAR_OR_REGEX', messageParameters: { elem: `'*'`, prettyName: 'expression' } },
        );
      case 'sortOrder':
        throw new AnalysisError('A sort order is only allowed in orderBy/sort.');
      case 'lambda':
        throw AnalysisError.withClass('INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION', { class: 'expression' });
      case 'lambdaVariable': {
        const v = this.lambdas.get(e.name.toLowerCase());
        if (!v) throw unresolvedColumnNamed(e.name);
        return { expr: v, name: e.name };
      }
      case 'window':
        if (!this.options.window) {
          throw new AnalysisError('Window functions are only allowed in a select list (select, withColumn).');
        }
        return this.options.window(e, this);
      default: {
        const never: never = e;
        throw new NotSupportedError(`Expression ${JSON.stringify(never)} is not supported.`);
      }
    }
  }

  private named(expr: BoundExpr): NamedBound {
    return { expr, name: prettyName(expr, this.ctx.registry) };
  }

  private resolveCast(child: BoundExpr, to: DataType | string, mode: 'legacy' | 'ansi' | 'try' | undefined): BoundExpr {
    const type = typeof to === 'string' ? parseDataType(to) : to;
    if (!canCast(child.type, type)) {
      throw new AnalysisError('', {
        errorClass: 'DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION',
        messageParameters: {
          sqlExpr: `"CAST(${prettyName(child, this.ctx.registry)} AS ${simpleString(type).toUpperCase()})"`,
          srcType: `"${simpleString(child.type).toUpperCase()}"`,
          targetType: `"${simpleString(type).toUpperCase()}"`,
        },
      });
    }
    return B.cast(child, type, mode ?? (this.ctx.conf.ansi ? 'ansi' : 'legacy'));
  }

  private resolveExtract(childExpr: Expr, extraction: Expr): NamedBound {
    const child = this.resolve(childExpr);
    if (extraction.kind !== 'literal') throw new NotSupportedError('Only literal field names or indexes can be extracted.');
    if (child.type.kind === 'struct') {
      const expr = extractField(child, String(extraction.value), [prettyName(child, this.ctx.registry)]);
      return { expr, name: expr.kind === 'getField' ? expr.name : String(extraction.value) };
    }
    const item = child.type.kind === 'array' ? this.ctx.registry.scalar('[]') : undefined;
    if (item) {
      const r = item.resolve([child, B.lit(extraction.value, extraction.type)], this.ctx.conf);
      return this.named(B.call(item.name, r.args, r.type, r.nullable));
    }
    if (child.type.kind === 'array' || child.type.kind === 'map') {
      const fn = this.ctx.registry.scalar('get') ?? this.ctx.registry.scalar('element_at');
      if (!fn) throw new NotSupportedError('Extracting array or map elements is not supported.');
      const index =
        child.type.kind === 'array' && fn.name !== 'get'
          ? B.lit(Number(extraction.value) + 1, T.integer)
          : B.lit(extraction.value, extraction.type);
      const r = fn.resolve([child, index], this.ctx.conf);
      return this.named(B.call(fn.name, r.args, r.type, r.nullable));
    }
    throw new AnalysisError('', {
      errorClass: 'INVALID_EXTRACT_BASE_FIELD_TYPE',
      messageParameters: { base: `"${prettyName(child, this.ctx.registry)}"`, other: `"${simpleString(child.type).toUpperCase()}"` },
    });
  }

  /** A higher-order function's arguments: the others first, then each lambda with typed parameters. */
  private resolveWithLambdas(fn: ScalarFunction, exprs: readonly Expr[]): BoundExpr[] {
    const lambdaParams = fn.lambdaParams?.bind(fn);
    if (!lambdaParams) {
      throw AnalysisError.withClass('INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION', { class: fn.name });
    }
    const plain = exprs.map((a) => (a.kind === 'lambda' ? undefined : this.resolve(a)));
    return exprs.map((a, i) => {
      if (a.kind !== 'lambda') return plain[i] as BoundExpr;
      const level = this.lambdaLevel + 1;
      const types = lambdaParams(plain, i, a.params.length);
      const lower = a.params.map((p) => p.toLowerCase());
      if (new Set(lower).size !== lower.length) {
        throw AnalysisError.withClass('INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES', {
          args: a.params.map((p) => quoteIdentifier([p])).join(', '),
          caseSensitiveConfig: '"spark.sql.caseSensitive"',
        });
      }
      const params = a.params.map((p, k) => B.lambdaVar(level * 16 + k, p, types[k]?.type ?? T.null, types[k]?.nullable ?? true));
      const scope = new Map(this.lambdas);
      params.forEach((p, k) => scope.set(lower[k] as string, p));
      const inner = new ExprResolver(this.ctx, this.scope, this.options, scope, level);
      return B.lambda(params, inner.resolve(a.body));
    });
  }

  private resolveCall(e: Extract<Expr, { kind: 'call' }>): BoundExpr {
    const lower = e.name.toLowerCase();
    if (lower === 'window' || lower === 'session_window') {
      const bound = this.options.timeWindow?.(e);
      if (bound) return bound;
      if (lower === 'session_window') throw new NotSupportedError('session_window is not supported by Kindling.');
      throw new AnalysisError(
        'The window function is only allowed in a select list or a GROUP BY, over a timestamp column.',
      );
    }
    const entry = this.ctx.registry.lookup(e.name);
    if (!entry) throw unresolvedRoutine(e.name);
    switch (entry.kind) {
      case 'scalar': {
        if (e.distinct) throw new AnalysisError(`DISTINCT is only allowed in aggregate functions, not in ${e.name}.`);
        const args = e.args.some((a) => a.kind === 'lambda') ? this.resolveWithLambdas(entry.fn, e.args) : e.args.map((a) => this.resolve(a));
        const r = entry.fn.resolve(args, this.ctx.conf);
        return B.call(entry.fn.name, r.args, r.type, r.nullable);
      }
      case 'aggregate': {
        const collector = this.options.aggregates;
        if (this.options.insideAggregate) throw AnalysisError.withClass('NESTED_AGGREGATE_FUNCTION');
        if (!collector) {
          throw new AnalysisError(
            `Aggregate function ${e.name}(...) is not allowed here; use it in select/agg of an aggregation.`,
          );
        }
        const inner = new ExprResolver(this.ctx, this.scope, { timeWindow: this.options.timeWindow, insideAggregate: true }, this.lambdas, this.lambdaLevel);
        const args = e.args.map((a) =>
          a.kind === 'star' && lower === 'count' ? B.lit(1, T.integer) : inner.resolve(a),
        );
        if (args.some((a) => !isDeterministic(a, this.ctx))) {
          throw AnalysisError.withClass('AGGREGATE_FUNCTION_WITH_NONDETERMINISTIC_EXPRESSION', { sqlExpr: `"${e.name}(...)"` });
        }
        const r = entry.fn.resolve(args, e.distinct, this.ctx.conf);
        const name = prettyAggregateName(
          entry.fn.name,
          args.map((a) => prettyName(a, this.ctx.registry)),
          e.distinct,
          this.ctx.registry,
        );
        return collector.add({ fn: entry.fn.name, args: r.args, distinct: e.distinct, type: r.type }, name, r.nullable);
      }
      case 'generator':
        throw new AnalysisError('', {
          errorClass: 'UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS',
          messageParameters: { expression: `"${e.name}(...)"` },
        });
      default: {
        const never: never = entry;
        throw new NotSupportedError(`unknown function kind ${JSON.stringify(never)}`);
      }
    }
  }
}

function isDeterministic(e: BoundExpr, ctx: AnalyzerContext): boolean {
  switch (e.kind) {
    case 'call':
      return ctx.registry.scalar(e.fn)?.deterministic !== false && e.args.every((a) => isDeterministic(a, ctx));
    case 'cast':
    case 'getField':
      return isDeterministic(e.expr, ctx);
    case 'lambda':
      return isDeterministic(e.body, ctx);
    default:
      return true;
  }
}

function unresolvedColumnNamed(name: string): AnalysisError {
  return AnalysisError.withClass('UNRESOLVED_COLUMN.WITHOUT_SUGGESTION', { objectName: quoteIdentifier([name]) });
}

export function unresolvedRoutine(name: string): AnalysisError {
  return new AnalysisError('', {
    errorClass: 'UNRESOLVED_ROUTINE',
    messageParameters: {
      routineName: quoteIdentifier([name]),
      searchPath: '[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]',
    },
  });
}

/**
 * Rewrites an expression resolved over an aggregation's input so it reads the aggregate node's
 * output instead: sub-expressions equal to grouping `i` become column `i`, aggregate placeholders
 * become column `groupings.length + k`, and any other input column is an error (MISSING_AGGREGATION).
 */
export function bindOverAggregate(e: BoundExpr, groupings: readonly NamedBound[]): BoundExpr {
  const keys = groupings.map((g) => JSON.stringify(g.expr));
  const walk = (x: BoundExpr): BoundExpr => {
    const i = keys.indexOf(JSON.stringify(x));
    if (i >= 0) {
      const g = groupings[i] as NamedBound;
      return B.ref(i, g.expr.type, g.name, true);
    }
    if (x.kind !== 'ref') return mapChildren(x, walk);
    if (x.index < 0) return B.ref(groupings.length - 1 - x.index, x.type, x.name, x.nullable);
    throw new AnalysisError('', {
      errorClass: 'MISSING_AGGREGATION',
      messageParameters: { expression: `"${x.name}"`, expressionAnyValue: `"any_value(${x.name})"` },
    });
  };
  return walk(e);
}
