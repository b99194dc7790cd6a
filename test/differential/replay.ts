import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchToRows } from '../../engine/batch/record-batch.js';
import { E, type Expr } from '../../engine/expr/expr.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { T } from '../../engine/types/data-type.js';
import type { QueryProgress } from '../../master/streaming/progress.js';
import type { LocalRuntime } from '../support/local-runtime.js';
import type { BatchRecord, Fixture, QueryOp } from './fixture.js';

/**
 * Replays a fixture's query and input steps on Kindling the way the generator drove Spark: a text
 * file source over a directory with the fixture's options, one file moved in per step, then
 * processAllAvailable(). Expressions travel as SQL strings (`ExpressionString`), as PySpark's
 * `selectExpr` / `F.expr` send them over Spark Connect.
 */
export function fixturePlan(fixture: Fixture, inputDir: string): LogicalPlan {
  let plan: LogicalPlan = {
    kind: 'read',
    // Paths only, no `path` option: what PySpark's readStream.text(dir) sends.
    source: { type: 'dataSource', format: fixture.query.source.format, options: { ...fixture.query.source.options }, paths: [inputDir] },
    isStreaming: true,
  };
  for (const op of fixture.query.ops) plan = applyOp(plan, op);
  return plan;
}

function applyOp(input: LogicalPlan, op: QueryOp): LogicalPlan {
  const sql = (text: string): Expr => E.exprString(text);
  switch (op.op) {
    case 'selectExpr':
      return { kind: 'project', input, exprs: op.exprs.map(sql) };
    case 'withColumn':
      return { kind: 'withColumns', input, columns: [{ name: op.name, expr: sql(op.expr) }] };
    case 'filter':
      return { kind: 'filter', input, condition: sql(op.condition) };
    case 'withWatermark':
      return { kind: 'withWatermark', input, eventTime: op.eventTime, delay: op.delay };
    case 'groupByCount':
      // GroupedData.count() is agg(count(lit(1)).alias("count")).
      return {
        kind: 'aggregate',
        input,
        groupType: 'groupby',
        grouping: op.keys.map(sql),
        aggregates: [E.alias(E.call('count', [E.lit(1, T.integer)]), 'count')],
      };
    default: {
      const never: never = op;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

/** What Kindling did for each input step, in the fixture's shape. */
export async function replayOnKindling(env: LocalRuntime, fixture: Fixture, name: string): Promise<BatchRecord[][]> {
  const inputDir = join(env.dir, `${name}-input`);
  const staging = join(env.dir, `${name}-staging`);
  mkdirSync(inputDir);
  mkdirSync(staging);
  const query = await env.session.startStream({
    input: fixturePlan(fixture, inputDir),
    format: 'memory',
    options: { checkpointLocation: join(env.dir, `${name}-checkpoint`) },
    outputMode: fixture.outputMode,
    queryName: name,
    trigger: { kind: 'default' },
  });
  // Per-batch rows, like the generator's foreachBatch: the memory sink is wrapped before any file
  // exists, so no batch can run before the wrapper is in place.
  const sink = env.session.catalog.memorySink(name);
  if (!sink) throw new Error(`no memory sink ${name}`);
  const captured = new Map<number, unknown[][]>();
  const addBatch = sink.addBatch.bind(sink);
  sink.addBatch = async (batchId, batch) => {
    if (!captured.has(batchId)) captured.set(batchId, batchToRows(batch));
    await addBatch(batchId, batch);
  };

  const steps: BatchRecord[][] = [];
  let done = -1;
  try {
    for (const [i, step] of fixture.steps.entries()) {
      const file = `step-${String(i).padStart(3, '0')}.txt`;
      writeFileSync(join(staging, file), step.input.map((l) => `${l}\n`).join(''));
      renameSync(join(staging, file), join(inputDir, file));
      await query.processAllAvailable();
      const failure = query.exception();
      if (failure) throw failure;
      // The executed batch's progress is the last one carrying its id (idle reports carry the next id).
      const progress = new Map<number, QueryProgress>();
      for (const p of query.recentProgress()) progress.set(p.batchId, p);
      const batches: BatchRecord[] = [];
      for (const batchId of [...captured.keys()].filter((b) => b > done).sort((a, b) => a - b)) {
        const p = progress.get(batchId);
        if (!p) throw new Error(`${fixture.name}: Kindling reported no progress for batch ${batchId}`);
        const op = p.stateOperators[0];
        batches.push({
          batchId,
          rows: captured.get(batchId) ?? [],
          numInputRows: p.numInputRows,
          eventTime: p.eventTime,
          ...(op
            ? {
                stateOperator: {
                  numRowsTotal: op.numRowsTotal,
                  numRowsUpdated: op.numRowsUpdated,
                  numRowsRemoved: op.numRowsRemoved,
                  numRowsDroppedByWatermark: op.numRowsDroppedByWatermark,
                },
              }
            : {}),
        });
        done = batchId;
      }
      steps.push(batches);
    }
  } finally {
    await query.stop();
  }
  return steps;
}
