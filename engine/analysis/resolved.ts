import type { AnalyzedPlan } from '../plan/analyzed-plan.js';

/** An analyzed node plus the relation name qualifying each output column (`t.col`). */
export interface Resolved {
  readonly plan: AnalyzedPlan;
  readonly qualifiers: readonly (string | undefined)[];
}

export function unqualified(plan: AnalyzedPlan): Resolved {
  return { plan, qualifiers: plan.schema.fields.map(() => undefined) };
}
