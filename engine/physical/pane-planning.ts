import { refIndexes, type BoundExpr } from '../expr/bound-expr.js';
import { InternalError } from '../errors/errors.js';
import type { ResolveContext } from '../functions/function.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { AggregateNode, AnalyzedPlan } from '../plan/analyzed-plan.js';
import type { OperatorSpec } from './operator.js';
import { mergesInAnyOrder } from './operators/order-free-merge.js';
import type { PaneAggregateConfig } from './operators/pane-aggregate.js';
import type { PaneExpandConfig } from './operators/pane-expand.js';
import type { Exchange } from './streaming-planner.js';
import { partialAggregateSpec } from './specs.js';

/**
 * The map stage's aggregation over a time window, pane first (`PaneAggregate`), when it gives
 * exactly PartialAggregate's rows; undefined keeps TimeWindow + PartialAggregate. Needed: the
 * aggregation sits right on the TimeWindow, groups by the plain window column (once) and reads it
 * nowhere else; and either every buffer merges exactly and in any order (partials of several
 * panes are merged into one window's), or the time is constant per batch (one pane per task, so
 * nothing is merged and row order within a group is kept).
 */
export function paneAggregateSpec(agg: AggregateNode, registry: FunctionRegistry, ctx: ResolveContext): OperatorSpec | undefined {
  const tw = agg.input;
  if (tw.kind !== 'timeWindow') return undefined;
  const windowColumn = tw.input.schema.fields.length;
  const isWindow = (g: BoundExpr): boolean => g.kind === 'ref' && g.index === windowColumn;
  const readsWindow = (e: BoundExpr): boolean => refIndexes(e).has(windowColumn);
  if (agg.groupings.filter(isWindow).length !== 1) return undefined;
  if (agg.groupings.some((g) => !isWindow(g) && readsWindow(g))) return undefined;
  if (agg.aggregates.some((c) => c.args.some(readsWindow))) return undefined;
  const slots = agg.aggregates.flatMap((c) => {
    const entry = registry.lookup(c.fn);
    if (entry?.kind !== 'aggregate') throw new InternalError(`'${c.fn}' is not an aggregate`);
    return entry.fn.resolve(c.args, c.distinct, ctx).buffer;
  });
  if (!slots.every(mergesInAnyOrder) && !batchConstant(tw.time, tw.input, registry)) return undefined;
  const config: PaneAggregateConfig = {
    time: tw.time,
    windowUs: tw.windowUs,
    slideUs: tw.slideUs,
    startUs: tw.startUs,
    windowColumn,
    groupings: agg.groupings,
    aggregates: agg.aggregates,
    schema: partialAggregateSpec(agg, registry, ctx).schema,
  };
  return Object.freeze({ name: 'PaneAggregate', config });
}

/** The value of the micro-batch's clock (`current_timestamp()` and friends): one per task. */
export const BATCH_CLOCK: ReadonlySet<string> = new Set(['current_timestamp', 'now', 'current_date']);

/**
 * Whether `e` over `input`'s columns has one value for all rows of a micro-batch: literals, the
 * batch clock, and deterministic functions of those, followed through the narrow nodes below.
 */
function batchConstant(e: BoundExpr, input: AnalyzedPlan, registry: FunctionRegistry): boolean {
  switch (e.kind) {
    case 'literal':
      return true;
    case 'cast':
    case 'getField':
      return batchConstant(e.expr, input, registry);
    case 'call': {
      if (BATCH_CLOCK.has(e.fn.toLowerCase())) return e.args.length === 0;
      const entry = registry.lookup(e.fn);
      return entry?.kind === 'scalar' && entry.fn.deterministic !== false && e.args.every((a) => batchConstant(a, input, registry));
    }
    case 'ref':
      return columnBatchConstant(e.index, input, registry);
    case 'lambda':
    case 'lambdaVar':
      return false;
    default: {
      const never: never = e;
      throw new InternalError(`unknown bound expression ${JSON.stringify(never)}`);
    }
  }
}

function columnBatchConstant(index: number, node: AnalyzedPlan, registry: FunctionRegistry): boolean {
  switch (node.kind) {
    case 'project': {
      const e = node.exprs[index];
      return e !== undefined && batchConstant(e, node.input, registry);
    }
    case 'watermark':
    case 'filter':
      return columnBatchConstant(index, node.input, registry);
    case 'generate':
    case 'timeWindow':
      // Input columns come first, unchanged.
      return index < node.input.schema.fields.length && columnBatchConstant(index, node.input, registry);
    default:
      return false;
  }
}

/** The stages around a hash exchange: what the map side runs, how it partitions, what the reduce side runs. */
export interface ShuffleStages {
  readonly mapOps: readonly OperatorSpec[];
  readonly exchange: Exchange;
  readonly reduceOps: readonly OperatorSpec[];
}

/**
 * `stages` with the pane partials shuffled instead of their windows: the map stage's
 * PaneAggregate emits one row per (pane, keys), the exchange hashes the keys but the window (so
 * all windows of a key land in one partition), and `PaneExpand` in front of the reduce stage hands
 * the merged panes to their windows; the stateful aggregation sees the same (window, keys) rows.
 * Undefined when the map stage does not end in a PaneAggregate or the window is the only key.
 * It moves state rows to other partitions, so a checkpoint keeps the scheme it started with
 * (`kindling.sql.streaming.paneShuffle`, frozen in its offset log).
 */
export function paneShuffleStages(stages: ShuffleStages): ShuffleStages | undefined {
  const last = stages.mapOps[stages.mapOps.length - 1];
  if (last?.name !== 'PaneAggregate') return undefined;
  const c = last.config as PaneAggregateConfig;
  const windowKey = c.groupings.findIndex((g) => g.kind === 'ref' && g.index === c.windowColumn);
  const keyCount = c.groupings.length;
  if (windowKey < 0 || keyCount < 2) return undefined;
  const expand: PaneExpandConfig = {
    windowUs: c.windowUs,
    slideUs: c.slideUs,
    startUs: c.startUs,
    keyCount,
    windowKey,
    aggregates: c.aggregates,
    schema: c.schema,
  };
  const mapOp: PaneAggregateConfig = { ...c, shuffleByKeys: true };
  return {
    mapOps: [...stages.mapOps.slice(0, -1), Object.freeze({ name: 'PaneAggregate', config: mapOp })],
    exchange: { ...stages.exchange, keyTypes: c.groupings.filter((_, i) => i !== windowKey).map((g) => g.type) },
    reduceOps: [Object.freeze({ name: 'PaneExpand', config: expand }), ...stages.reduceOps],
  };
}

/**
 * `plan` with its PaneExpand (if any) leaving the (pane, keys) rows for the state store as well
 * (`PaneExpandConfig.paneState`), which PaneExpand does only where persisting panes is exact (see
 * there). A store persisting them keeps its rows in another layout, so a checkpoint freezes the
 * choice (`kindling.sql.streaming.paneState`).
 */
export function paneStatePlan<P extends { readonly reduceOps: readonly OperatorSpec[] }>(plan: P): P {
  if (!plan.reduceOps.some((op) => op.name === 'PaneExpand')) return plan;
  const reduceOps = plan.reduceOps.map((op) =>
    op.name === 'PaneExpand' ? Object.freeze({ name: op.name, config: { ...(op.config as PaneExpandConfig), paneState: true } }) : op,
  );
  return { ...plan, reduceOps };
}
