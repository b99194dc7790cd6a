import { batchToRows, type RecordBatch } from '../batch/record-batch.js';
import { InternalError } from '../errors/errors.js';
import { isStreamingPlan, type AnalyzedPlan, type JoinNode } from '../plan/analyzed-plan.js';
import type { StreamStaticJoinConfig } from './join-operator.js';
import type { OperatorSpec } from './operator.js';
import type { StreamingPlan } from './streaming-planner.js';

const NAME = 'StreamStaticJoin';

/** The operator for a stream–static join; its static rows are bound per batch (`bindStaticInputs`). */
export function streamStaticJoinSpec(node: JoinNode, staticInputs: AnalyzedPlan[]): OperatorSpec {
  const streamSide = isStreamingPlan(node.left) ? 'left' : 'right';
  const staticPlan = streamSide === 'left' ? node.right : node.left;
  staticInputs.push(staticPlan);
  const config: StreamStaticJoinConfig & { readonly staticRef: number } = {
    joinType: node.joinType,
    leftKeys: node.leftKeys,
    rightKeys: node.rightKeys,
    condition: node.condition,
    schema: node.schema,
    streamSide,
    staticSchema: staticPlan.schema,
    staticRows: [],
    staticRef: staticInputs.length - 1,
  };
  return Object.freeze({ name: NAME, config });
}

/** The plan with each stream–static join carrying the rows its static side has now. */
export function bindStaticInputs(plan: StreamingPlan, rows: readonly RecordBatch[]): StreamingPlan {
  if ((plan.staticInputs ?? []).length === 0) return plan;
  const bind = (ops: readonly OperatorSpec[]): OperatorSpec[] =>
    ops.map((op) => {
      if (op.name !== NAME) return op;
      const config = op.config as StreamStaticJoinConfig & { readonly staticRef: number };
      const batch = rows[config.staticRef];
      if (!batch) throw new InternalError(`no rows for static input ${config.staticRef}`);
      return Object.freeze({ name: NAME, config: { ...config, staticRows: batchToRows(batch) } });
    });
  return { ...plan, mapOps: bind(plan.mapOps), reduceOps: bind(plan.reduceOps), driverOps: bind(plan.driverOps) };
}
