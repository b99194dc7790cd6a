import { recordBatch, type RecordBatch } from '../batch/record-batch.js';
import { AnalysisError } from '../errors/errors.js';
import { PlanBuilder } from '../plan/builder.js';
import type { AnalyzedPlan } from '../plan/analyzed-plan.js';
import { B } from '../expr/bound-expr.js';
import { typesEqual } from '../types/data-type.js';
import type { Schema } from '../types/schema.js';

/** Client rows (`createDataFrame`) renamed and cast to the schema the client asked for. */
export function coerceLocalData(batch: RecordBatch, target: Schema | undefined, timeZone: string): AnalyzedPlan {
  void timeZone;
  if (!target) return PlanBuilder.localData(batch);
  const fields = batch.schema.fields;
  if (target.fields.length !== fields.length) {
    throw new AnalysisError(
      `The local relation has ${fields.length} columns but its schema names ${target.fields.length}.`,
    );
  }
  const sameTypes = target.fields.every((f, i) => typesEqual(f.type, (fields[i] ?? f).type));
  if (sameTypes) return PlanBuilder.localData(recordBatch(target, batch.numRows, batch.columns));
  const data = PlanBuilder.localData(batch);
  return PlanBuilder.project(
    data,
    target.fields.map((f, i) => {
      const src = fields[i] ?? f;
      const ref = B.ref(i, src.type, src.name, src.nullable);
      return { expr: typesEqual(src.type, f.type) ? ref : B.cast(ref, f.type, 'legacy'), name: f.name };
    }),
  );
}
