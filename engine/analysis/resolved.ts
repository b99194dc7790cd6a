import type { AnalyzedPlan } from '../plan/analyzed-plan.js';

/** An analyzed node plus the relation name qualifying each output column (`t.col`). */
export interface Resolved {
  readonly plan: AnalyzedPlan;
  readonly qualifiers: readonly (string | undefined)[];
  /** Per column, the Spark Connect plan ids it came from (set by joins, so `df.col` picks its side). */
  readonly planIds?: readonly (readonly number[] | undefined)[];
}

export function unqualified(plan: AnalyzedPlan): Resolved {
  return { plan, qualifiers: plan.schema.fields.map(() => undefined) };
}
