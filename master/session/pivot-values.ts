import { batchToRows, type RecordBatch } from '../../engine/batch/record-batch.js';
import { AnalysisError } from '../../engine/errors/errors.js';
import { E, type Literal } from '../../engine/expr/expr.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { P } from '../../engine/plan/plan-nodes.js';

/** Spark's `spark.sql.pivotMaxValues`: a pivot without values may find at most this many. */
const PIVOT_MAX_VALUES = 10_000;

/**
 * `pivot(col)` without values: as Spark does, a query first finds the column's distinct values
 * (sorted, NULL first) and the pivot then uses them. Only executions need this; the plan is
 * otherwise unchanged.
 */
export async function fillPivotValues(plan: LogicalPlan, run: (p: LogicalPlan) => Promise<RecordBatch>): Promise<LogicalPlan> {
  const walk = async (p: LogicalPlan): Promise<LogicalPlan> => {
    let out: LogicalPlan = p;
    if ('input' in p && p.input !== undefined && typeof p.input === 'object') out = { ...p, input: await walk(p.input) } as LogicalPlan;
    if (out.kind === 'join') out = { ...out, left: await walk(out.left), right: await walk(out.right) };
    if (out.kind === 'union') out = { ...out, inputs: await Promise.all(out.inputs.map(walk)) };
    if (out.kind === 'aggregate' && out.groupType === 'pivot' && out.pivot && out.pivot.values.length === 0) {
      const pivotValues = P.distinct(P.project(out.input, [E.alias(out.pivot.column, '__pivot')]));
      const distinct = P.sort(pivotValues, [E.sortOrder(E.col('__pivot'), true, true)]);
      const batch = await run(distinct);
      if (batch.numRows > PIVOT_MAX_VALUES) {
        throw new AnalysisError(
          `The pivot column ${JSON.stringify(out.pivot.column)} has more than ${PIVOT_MAX_VALUES} distinct values, this could indicate an error. If this was intended, set spark.sql.pivotMaxValues to at least the number of distinct values of the pivot column.`,
        );
      }
      const type = batch.schema.fields[0]?.type;
      const values = batchToRows(batch).map((r) => E.lit(r[0] ?? null, type ?? { kind: 'string' }) as Literal);
      out = { ...out, pivot: { ...out.pivot, values } };
    }
    return out;
  };
  return walk(plan);
}
