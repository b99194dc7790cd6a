import type { ResolveContext } from '../../functions/function.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import { isStreamingPlan, type AnalyzedPlan } from '../../plan/analyzed-plan.js';
import { planStreamingQuery, type StreamingPlan } from '../streaming-planner.js';
import { assignAttrs, Ids } from './attrs.js';
import type { Attr, ExprContext } from './expr.js';
import { formattedText, operatorIds } from './formatted.js';
import { logicalLines } from './logical-tree.js';
import type { ExplainOptions, StreamingExplainInfo } from './options.js';
import { inputLine, PhysicalBuilder, toLines } from './physical-tree.js';
import { stagesText } from './stages.js';
import { stats } from './stats.js';
import { schemaLine, treeString, type Line } from './tree-text.js';

export type { ExplainMode, ExplainOptions, StreamingExplainInfo, StreamingRunInfo } from './options.js';

/**
 * The one explain() text: `df.explain(mode)` (AnalyzePlan) and a started query's
 * `explain(extended)` both come here. The physical plan is Spark's tree with Spark's operator
 * names and argument formats (a streaming aggregation as HashAggregate partial / merge /
 * StateStoreRestore / merge / StateStoreSave / final around an `Exchange hashpartitioning`),
 * followed, for a streaming plan, by a `Stages:` block: which operators run in the map stage,
 * which in the reduce stage on the owners of the state partitions (and in which state store),
 * which on the driver. Columns print as `name#id`, ids numbered per text, bottom-up.
 */
export function explainPlan(plan: AnalyzedPlan, registry: FunctionRegistry, options: ExplainOptions = {}): string {
  const mode = options.mode ?? 'simple';
  const resolve = options.resolve ?? { timeZone: 'UTC', ansi: true };
  const ids = new Ids();
  const attrs = new Map<AnalyzedPlan, Attr[]>();
  assignAttrs(plan, attrs, ids);
  const streaming = options.streaming && isStreamingPlan(plan) ? options.streaming : undefined;
  const staged = streaming ? tryPlan(plan, streaming, registry, resolve) : undefined;
  const run = streaming?.run;
  const currentTimestampUs =
    run !== undefined ? run.batchTimestampMs * 1000 : options.currentTimestampMs === undefined ? undefined : options.currentTimestampMs * 1000;
  const optimizedCtx: ExprContext = { timeZone: resolve.timeZone, fold: true, ...(currentTimestampUs === undefined ? {} : { currentTimestampUs }) };
  const top = new PhysicalBuilder(attrs, ids, registry, resolve, optimizedCtx, streaming, staged?.stageOf).build(plan, undefined);
  let physical = top.node;
  if (run) {
    const write = `MicroBatchWrite[epoch: ${run.batchId}, writer: ${run.sink}]`;
    physical = {
      name: 'WriteToDataSourceV2',
      text: `WriteToDataSourceV2 ${write}`,
      details: [inputLine(top.out), `Arguments: ${write}`],
      children: [physical],
      stage: 'driver',
    };
  }
  // The stages follow the tree after a blank line (formatted mode: after the operator details).
  const stagesBlock = (formatted: boolean): string => {
    if (!staged || !streaming) return '';
    return `${formatted ? '' : '\n'}${stagesText(physical, streaming, staged, formatted ? operatorIds(physical) : undefined)}`;
  };
  const physicalText = (verbose: boolean): string => `== Physical Plan ==\n${treeString(toLines(physical, verbose))}${stagesBlock(false)}`;

  const logicalCtx: ExprContext = { timeZone: resolve.timeZone };
  const logical = (optimized: boolean, withStats: boolean): Line => {
    const body = logicalLines(plan, attrs, optimized ? optimizedCtx : logicalCtx, optimized, withStats ? stats(plan) : undefined);
    if (!run) return body;
    const root = optimized
      ? `~WriteToDataSourceV2 RelationV2[] ${run.sink}, MicroBatchWrite[epoch: ${run.batchId}, writer: ${run.sink}]`
      : `WriteToMicroBatchDataSource ${run.sink}`;
    return { text: root, children: [body] };
  };

  switch (mode) {
    case 'simple':
      return physicalText(false);
    case 'extended': {
      const analyzed = treeString(logical(false, false));
      return [
        '== Parsed Logical Plan ==',
        analyzed,
        '== Analyzed Logical Plan ==',
        // A query's plan is rooted at its write, which outputs nothing: Spark prints no schema then.
        ...(run ? [] : [schemaLine(plan.schema)]),
        analyzed,
        '== Optimized Logical Plan ==',
        treeString(logical(true, false)),
        physicalText(true),
      ].join('\n');
    }
    case 'cost':
      return ['== Optimized Logical Plan ==', treeString(logical(true, true)), physicalText(true)].join('\n');
    case 'formatted':
      return formattedText(physical) + stagesBlock(true);
    case 'codegen':
      // Kindling interprets its operators (vectorized) and generates no code.
      return `Found 0 WholeStageCodegen subtrees.\n${physicalText(false)}`;
    default: {
      const never: never = mode;
      return String(never);
    }
  }
}

function tryPlan(plan: AnalyzedPlan, s: StreamingExplainInfo, registry: FunctionRegistry, resolve: ResolveContext): StreamingPlan | undefined {
  try {
    return planStreamingQuery(plan, s.outputMode, s.numPartitions, registry, resolve);
  } catch {
    // A plan the streaming planner refuses still explains, unstaged; starting it reports the error.
    return undefined;
  }
}
