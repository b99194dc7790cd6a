import type { LogicalPlan } from '../engine/plan/logical-plan.js';
import { DataFrame, type DataFrameSession } from './dataframe.js';

/**
 * What `spark.sql(...)` returns: a DataFrame usable at once (`spark.sql(q).show()`) whose plan
 * is the server's answer to the eager SqlCommand. Awaiting it waits for that answer, so errors
 * surface at `await spark.sql(q)` as in PySpark, and gives a plain DataFrame.
 */
export class SqlDataFrame extends DataFrame implements PromiseLike<DataFrame> {
  constructor(session: DataFrameSession, planId: number, plan: Promise<LogicalPlan>) {
    super(session, planId, plan);
  }

  then<R1 = DataFrame, R2 = never>(
    onfulfilled?: ((value: DataFrame) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.resolvePlan()
      .then((plan) => new DataFrame(this.session, this.planId, plan))
      .then(onfulfilled, onrejected);
  }
}
