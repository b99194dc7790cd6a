import type { BoundExpr } from '../expr/bound-expr.js';
import type { ResolveContext } from '../functions/function.js';
import { literalPattern } from '../functions/builtin/java-regex.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { AggregateCall } from '../plan/analyzed-plan.js';
import type { OperatorSpec } from './operator.js';
import type { GenerateConfig, ProjectConfig } from './operators/narrow.js';
import type { PaneAggregateConfig } from './operators/pane-aggregate.js';
import { addsExactly } from './operators/exact-sums.js';
import type { PartialAggregateConfig } from './operators/partial-aggregate.js';
import type { SplitAggregateConfig } from './operators/split-aggregate.js';
import { BATCH_CLOCK } from './pane-planning.js';

/**
 * The map stage with `explode(split(line, 'c'))` and the aggregation above it fused into one
 * `SplitAggregate` (the word count's hot path: no row per word); the stage unchanged when the fused
 * operator would not give exactly the same partials. Needed: a non-outer `explode` of `split` over
 * an input column with a one-character literal pattern and no limit, no input column carried past
 * the generator, only Projects and watermarks between it and the aggregation (PaneAggregate or
 * PartialAggregate), every expression on the way deterministic per row (equal words, equal rows),
 * and every aggregation buffer an integral sum (w equal rows add up to w times one).
 */
export function fuseSplitAggregate(ops: readonly OperatorSpec[], registry: FunctionRegistry, ctx: ResolveContext): readonly OperatorSpec[] {
  const aggregate = ops[ops.length - 1];
  if (aggregate === undefined) return ops;
  const aggExprs = aggregateExprs(aggregate);
  if (aggExprs === undefined) return ops;
  let g = ops.length - 2;
  while (g >= 0 && (ops[g]?.name === 'Project' || ops[g]?.name === 'EventTimeWatermark')) g--;
  const generate = ops[g];
  if (generate?.name !== 'Generate') return ops;
  const gen = generate.config as GenerateConfig;
  const split = splitOfColumn(gen);
  if (split === undefined) return ops;
  const between = ops.slice(g + 1, -1);
  const exprs = [...between.flatMap((op) => (op.name === 'Project' ? (op.config as ProjectConfig).exprs : [])), ...aggExprs.exprs];
  if (!exprs.every((e) => rowDeterministic(e, registry))) return ops;
  if (!integralSums(aggExprs.aggregates, registry, ctx)) return ops;
  const config: SplitAggregateConfig = {
    generate: gen,
    column: split.column,
    separator: split.separator,
    between,
    aggregate,
  };
  return [...ops.slice(0, g), Object.freeze({ name: 'SplitAggregate', config })];
}

/** The expressions an aggregation spec evaluates over its input, and its calls; undefined for other operators. */
function aggregateExprs(spec: OperatorSpec): { exprs: BoundExpr[]; aggregates: readonly AggregateCall[] } | undefined {
  switch (spec.name) {
    case 'PaneAggregate': {
      const c = spec.config as PaneAggregateConfig;
      // The window grouping is the pane PaneAggregate appends, not an input column.
      const keys = c.groupings.filter((k) => !(k.kind === 'ref' && k.index === c.windowColumn));
      return { exprs: [c.time, ...keys, ...c.aggregates.flatMap((a) => a.args)], aggregates: c.aggregates };
    }
    case 'PartialAggregate': {
      const c = spec.config as PartialAggregateConfig;
      return { exprs: [...c.groupings, ...c.aggregates.flatMap((a) => a.args)], aggregates: c.aggregates };
    }
    default:
      return undefined;
  }
}

/** `explode(split(ref, pattern, limit))` with a one-code-unit literal pattern and limit <= 0, no input column kept. */
function splitOfColumn(gen: GenerateConfig): { column: number; separator: string } | undefined {
  if (gen.generator.toLowerCase() !== 'explode' || gen.outer || gen.keep.some((k) => k)) return undefined;
  if (gen.args.length !== 1 || gen.schema.fields.length !== gen.keep.length + 1) return undefined;
  const call = gen.args[0];
  if (call?.kind !== 'call' || call.fn.toLowerCase() !== 'split' || call.args.length !== 3) return undefined;
  const [line, pattern, limit] = call.args as [BoundExpr, BoundExpr, BoundExpr];
  if (line.kind !== 'ref' || line.type.kind !== 'string' || line.index >= gen.keep.length) return undefined;
  if (pattern.kind !== 'literal' || typeof pattern.value !== 'string') return undefined;
  if (limit.kind !== 'literal' || typeof limit.value !== 'number' || limit.value > 0) return undefined;
  const separator = literalPattern(pattern.value);
  if (separator?.length !== 1) return undefined;
  const code = separator.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) return undefined;
  return { column: line.index, separator };
}

/** Same inputs, same value, row by row: column refs, literals, the batch clock and deterministic functions of those. */
function rowDeterministic(e: BoundExpr, registry: FunctionRegistry): boolean {
  switch (e.kind) {
    case 'ref':
    case 'literal':
      return true;
    case 'cast':
    case 'getField':
      return rowDeterministic(e.expr, registry);
    case 'call': {
      if (BATCH_CLOCK.has(e.fn.toLowerCase())) return e.args.length === 0;
      const entry = registry.lookup(e.fn);
      return entry?.kind === 'scalar' && entry.fn.deterministic !== false && e.args.every((a) => rowDeterministic(a, registry));
    }
    case 'lambda':
    case 'lambdaVar':
      return false;
    default: {
      const never: never = e;
      return never;
    }
  }
}

function integralSums(calls: readonly AggregateCall[], registry: FunctionRegistry, ctx: ResolveContext): boolean {
  return calls.every((c) => {
    const entry = registry.lookup(c.fn);
    return entry?.kind === 'aggregate' && entry.fn.resolve(c.args, c.distinct, ctx).buffer.every(addsExactly);
  });
}

/** The operators a SplitAggregate stands for, as the planner had them before fusing (tests run both). */
export function unfusedOps(config: SplitAggregateConfig): OperatorSpec[] {
  return [{ name: 'Generate', config: config.generate }, ...config.between, config.aggregate];
}
