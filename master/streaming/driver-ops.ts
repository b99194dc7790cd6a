import { concatBatches, emptyBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import type { FunctionRegistry } from '../../engine/functions/registry.js';
import { Pipeline } from '../../engine/physical/operator.js';
import { defaultOperators } from '../../engine/physical/operators/index.js';
import type { StreamingPlan } from '../../engine/physical/streaming-planner.js';
import { newTaskMetrics } from '../../engine/physical/task-metrics.js';

/** The plan's operators that need the whole result (sort, limit), run on the driver before the sink. */
export async function runDriverOps(
  plan: StreamingPlan,
  conf: { readonly timeZone: string; readonly ansi: boolean },
  registry: FunctionRegistry,
  parts: readonly RecordBatch[],
): Promise<RecordBatch> {
  if (plan.driverOps.length === 0) return parts.length === 0 ? emptyBatch(plan.outputSchema) : concatBatches(plan.outputSchema, parts);
  const ctx = { batchTimestampUs: 0, timeZone: conf.timeZone, ansi: conf.ansi, registry, metrics: newTaskMetrics() };
  const pipeline = Pipeline.create(plan.driverOps, defaultOperators, ctx);
  const out: RecordBatch[] = [];
  for (const p of parts) pipeline.push(p, 0, out);
  out.push(...(await pipeline.finish()));
  return out.length === 0 ? emptyBatch(plan.outputSchema) : concatBatches(plan.outputSchema, out);
}
