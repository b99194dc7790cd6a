import { decodeRelation, oneofNotSet, type RelationMsg } from '../../engine/connect/index.js';
import { AnalysisError, NotSupportedError } from '../../engine/errors/errors.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import type { Command__Output } from '../../proto/generated/spark/connect/Command.js';
import type { Plan__Output } from '../../proto/generated/spark/connect/Plan.js';

/** What a Spark Connect Plan asks for. */
export type PlanRequest =
  | { readonly kind: 'root'; readonly relation: RelationMsg }
  | { readonly kind: 'command'; readonly command: Command__Output };

/**
 * The choice of a Plan. Compressed plans are refused with the error class that makes PySpark
 * switch compression off (Kindling advertises no codec, so they only come from other clients).
 */
export function planRequest(plan: Plan__Output | null | undefined): PlanRequest {
  if (plan === null || plan === undefined) throw oneofNotSet('spark.connect.Plan', 'op_type');
  switch (plan.op_type) {
    case 'root':
      if (!plan.root) break;
      return { kind: 'root', relation: plan.root };
    case 'command':
      if (!plan.command) break;
      return { kind: 'command', command: plan.command };
    case 'compressed_operation':
      throw new NotSupportedError('Compressed plans are not supported by Kindling; disable plan compression.', {
        errorClass: 'CONNECT_INVALID_PLAN.CANNOT_PARSE',
      });
    default:
      break;
  }
  throw oneofNotSet('spark.connect.Plan', 'op_type');
}

/** The relation of a plan that must be a query (AnalyzePlan). */
export function planRelation(plan: Plan__Output | null | undefined): LogicalPlan {
  const req = planRequest(plan);
  if (req.kind !== 'root') throw new AnalysisError('This analysis needs a query plan (Plan.root), not a command.');
  return decodeRelation(req.relation);
}
