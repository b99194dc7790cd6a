import { eventTimeGrouping, type OutputMode } from '../analysis/streaming-checks.js';
import { InternalError, NotSupportedError } from '../errors/errors.js';
import type { ResolveContext } from '../functions/function.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { analyzedChildren, isStreamingPlan, type AggregateNode, type AnalyzedPlan, type ScanNode } from '../plan/analyzed-plan.js';
import { streamStaticJoinSpec } from './stream-static-join.js';
import { paneAggregateSpec, paneShuffleStages, type ShuffleStages } from './pane-planning.js';
import { fuseSplitAggregate } from './split-aggregate-planning.js';
import type { DataType } from '../types/data-type.js';
import type { Schema } from '../types/schema.js';
import type { OperatorSpec } from './operator.js';
import {
  isNarrow,
  limitSpec,
  narrowSpec,
  partialAggregateSpec,
  sortSpec,
  statefulAggregateSpec,
} from './specs.js';

/** A hash exchange: partial-aggregate rows partitioned by their leading `keyTypes.length` columns. */
export interface Exchange {
  readonly keyTypes: readonly DataType[];
  readonly numPartitions: number;
}

/** Where an operator runs: next to the input, on the owners of the state partitions, or on the driver. */
export type StageName = 'map' | 'reduce' | 'driver';

export interface WatermarkSpec {
  readonly id: string;
  readonly delayMs: number;
}

/**
 * In complete mode the driver keeps the aggregation's whole result, keyed by the grouping columns
 * (the first `keyCount` of `schema`), and merges each batch's updated rows into it: workers then
 * emit what a batch changed rather than all state, and the sink still gets every row.
 */
export interface CompleteResultSpec {
  readonly keyCount: number;
  /** The stateful aggregate's output: grouping columns, then aggregate values. */
  readonly schema: Schema;
}

/**
 * A streaming query cut into stages at the hash exchange: the map stage runs narrow operators and
 * the partial aggregation next to the input; the reduce stage merges into per-partition state; the
 * driver applies what needs the whole result (sort, limit; in complete mode also what follows the
 * aggregation) before the sink.
 */
export interface StreamingPlan {
  readonly source: ScanNode;
  readonly mapOps: readonly OperatorSpec[];
  readonly exchange: Exchange | undefined;
  readonly reduceOps: readonly OperatorSpec[];
  readonly driverOps: readonly OperatorSpec[];
  readonly outputSchema: Schema;
  readonly watermarks: readonly WatermarkSpec[];
  /** The aggregation, when the query is stateful. */
  readonly aggregate: AggregateNode | undefined;
  readonly outputMode: OutputMode;
  /** Set for a stateful query in complete mode: the driver materializes the result. */
  readonly completeResult: CompleteResultSpec | undefined;
  /**
   * The static sides of stream–static joins, in `staticRef` order: the driver evaluates them for
   * every batch and `bindStaticInputs` puts their rows into the join operators' configs.
   */
  readonly staticInputs?: readonly AnalyzedPlan[];
  /**
   * The stage each analyzed node of the stream's chain (root to source) runs in; the aggregation
   * counts as `reduce` (its partial half runs in the map stage). explain() prints the cut from it.
   */
  readonly stageOf: ReadonlyMap<AnalyzedPlan, StageName>;
  /**
   * Set when the stages shuffle pane partials by their keys (`paneShuffleStages`): the stages
   * that shuffle window partials instead, for a checkpoint started before that scheme.
   */
  readonly paneShuffle?: { readonly windowLevel: ShuffleStages };
}

/** `plan` with window partials shuffled, as checkpoints without a frozen pane shuffle placed their state. */
export function windowLevelShuffle(plan: StreamingPlan): StreamingPlan {
  if (!plan.paneShuffle) return plan;
  const { paneShuffle: _, ...rest } = plan;
  return { ...rest, ...plan.paneShuffle.windowLevel };
}

export function planStreamingQuery(
  plan: AnalyzedPlan,
  outputMode: OutputMode,
  numPartitions: number,
  registry: FunctionRegistry,
  ctx: ResolveContext,
): StreamingPlan {
  const staticInputs: AnalyzedPlan[] = [];
  const chain = linearChain(plan);
  const opSpec = (node: AnalyzedPlan, parent: AnalyzedPlan | undefined, id: string, where: string): OperatorSpec => {
    if (isNarrow(node)) return narrowSpec(node, parent, id);
    if (node.kind === 'join') return streamStaticJoinSpec(node, staticInputs);
    throw new NotSupportedError(`'${node.kind}' is not supported ${where}.`);
  };
  const source = chain[chain.length - 1];
  if (source?.kind !== 'scan' || !source.streaming) {
    throw new NotSupportedError('A streaming query must read exactly one streaming source.');
  }
  const aggIndex = chain.findIndex((n) => n.kind === 'aggregate');
  const above = aggIndex < 0 ? [] : chain.slice(0, aggIndex);
  const below = aggIndex < 0 ? chain.slice(0, -1) : chain.slice(aggIndex + 1, -1);
  const stageOf = new Map<AnalyzedPlan, StageName>([[source, 'map']]);
  for (const node of below) stageOf.set(node, 'map');

  const watermarks: WatermarkSpec[] = [];
  const mapOps: OperatorSpec[] = [];
  for (let i = below.length - 1; i >= 0; i--) {
    const node = below[i] as AnalyzedPlan;
    const id = `wm${watermarks.length}`;
    if (node.kind === 'watermark') watermarks.push({ id, delayMs: node.delayMs });
    const parent = i > 0 ? below[i - 1] : aggIndex >= 0 ? chain[aggIndex] : undefined;
    mapOps.push(opSpec(node, parent, id, 'below a streaming aggregation'));
  }

  if (aggIndex < 0) {
    return {
      source,
      mapOps,
      exchange: undefined,
      reduceOps: [],
      driverOps: [],
      outputSchema: plan.schema,
      watermarks,
      aggregate: undefined,
      outputMode,
      completeResult: undefined,
      staticInputs,
      stageOf,
    };
  }

  const agg = chain[aggIndex] as AggregateNode;
  stageOf.set(agg, 'reduce');
  const panes = paneAggregateSpec(agg, registry, ctx);
  if (panes) {
    // PaneAggregate windows the rows itself, after aggregating them per pane.
    if (mapOps.pop()?.name !== 'TimeWindow') throw new InternalError('a pane aggregation must replace the TimeWindow under it');
    mapOps.push(panes);
  } else {
    mapOps.push(partialAggregateSpec(agg, registry, ctx).spec);
  }
  const reduceOps: OperatorSpec[] = [statefulAggregateSpec(agg, eventTimeGrouping(agg))];
  const complete = outputMode === 'complete';
  const driverOps: OperatorSpec[] = [];
  const lastOrdering = lastIndexOf(above, (n) => n.kind === 'sort' || n.kind === 'limit');
  const post = above.slice(lastOrdering + 1);
  for (let i = post.length - 1; i >= 0; i--) {
    const node = post[i] as AnalyzedPlan;
    stageOf.set(node, complete ? 'driver' : 'reduce');
    // In complete mode they run over the whole result on the driver: a filter there must see
    // every key, not only the ones a batch updated.
    (complete ? driverOps : reduceOps).push(opSpec(node, i > 0 ? post[i - 1] : undefined, `post${i}`, 'after a streaming aggregation'));
  }
  const driverNodes = above.slice(0, lastOrdering + 1);
  for (let i = driverNodes.length - 1; i >= 0; i--) {
    const node = driverNodes[i] as AnalyzedPlan;
    stageOf.set(node, 'driver');
    if (node.kind === 'sort') driverOps.push(sortSpec(node));
    else if (node.kind === 'limit') driverOps.push(limitSpec(node.schema, node.limit, 0));
    else driverOps.push(opSpec(node, i > 0 ? driverNodes[i - 1] : undefined, `drv${i}`, 'in a streaming query'));
  }
  // explode(split(...)) under the aggregation: the words are counted, not made into rows (after
  // the pane shuffle's choice, which reads the PaneAggregate at the end of the map stage).
  const fuse = (stages: ShuffleStages): ShuffleStages => ({ ...stages, mapOps: fuseSplitAggregate(stages.mapOps, registry, ctx) });
  const unfused: ShuffleStages = { mapOps, exchange: { keyTypes: agg.groupings.map((g) => g.type), numPartitions }, reduceOps };
  const paned = panes ? paneShuffleStages(unfused) : undefined;
  const windowLevel = fuse(unfused);
  const byPanes = paned ? fuse(paned) : undefined;
  return {
    source,
    ...(byPanes ?? windowLevel),
    driverOps,
    outputSchema: plan.schema,
    watermarks,
    aggregate: agg,
    outputMode,
    completeResult: complete ? { keyCount: agg.groupings.length, schema: agg.schema } : undefined,
    staticInputs,
    stageOf,
    ...(byPanes ? { paneShuffle: { windowLevel } } : {}),
  };
}

/** The plan as a list from the root down to its single leaf (streaming plans have no branches). */
function linearChain(plan: AnalyzedPlan): AnalyzedPlan[] {
  const out: AnalyzedPlan[] = [];
  let cur: AnalyzedPlan | undefined = plan;
  while (cur) {
    out.push(cur);
    const kids: readonly AnalyzedPlan[] = analyzedChildren(cur);
    if (cur.kind === 'join') {
      // A stream–static join: follow the stream; the static side is evaluated by the driver.
      cur = isStreamingPlan(cur.left) ? cur.left : cur.right;
      continue;
    }
    if (kids.length > 1) throw new NotSupportedError('Streaming queries with several inputs are not supported yet.');
    cur = kids[0];
  }
  if (out.length === 0) throw new InternalError('empty plan');
  return out;
}

function lastIndexOf<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i] as T)) return i;
  return -1;
}
