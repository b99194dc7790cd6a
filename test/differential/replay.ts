import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { F, type Column, type DataFrame, type SparkSession, type StreamingQuery } from '../../client/index.js';
import type { StreamingQueryProgress } from '../../client/streaming/streaming-query.js';
import type { AggSpec, BatchRecord, Fixture, GroupKey, QueryOp, StateFacts } from './fixture.js';

/**
 * Replays a fixture's query and steps on a Kindling server through Spark Connect with our
 * TypeScript client, driven as generate_fixtures.py drove Spark:
 *
 * - text source (`trigger: default`): one query over a directory; per step one file is moved in,
 *   then `processAllAvailable()`;
 * - rate-micro-batch (`trigger: availableNow`): per step the query is started from the same
 *   checkpoint with `Trigger.AvailableNow`, then `awaitTermination()`.
 *
 * The query is built with the DataFrame API (`selectExpr`, `F.expr`, `F.window`, `groupBy`, `agg`,
 * `drop`, ...), so what the server gets is what PySpark sends for the same code. Spark recorded each
 * batch's rows with foreachBatch, which Kindling does not run; here they come from the memory sink:
 * after each step the table is read back (`spark.table(name).collect()`), the rows added since the
 * last step (update/append; in complete mode the table is the last batch's result) are cut into
 * the step's batches by each batch's `sink.numOutputRows`, in batch order (the memory sink keeps
 * rows in arrival order). Batch ids and facts come from `recentProgress` (executed batches only:
 * idle reports have no `addBatch` duration).
 */
const RUN_TIMEOUT_SECONDS = 30;

export async function replayOnKindling(spark: SparkSession, fixture: Fixture, name: string, dir: string): Promise<ReplayedBatch[][]> {
  for (const [k, v] of Object.entries(fixture.conf)) await spark.conf.set(k, v);
  const inputDir = join(dir, `${name}-input`);
  const staging = join(dir, `${name}-staging`);
  const checkpoint = join(dir, `${name}-checkpoint`);
  mkdirSync(inputDir);
  mkdirSync(staging);
  const df = fixture.query.ops.reduce(applyOp, source(spark, fixture, inputDir));

  const start = (queryName: string): Promise<StreamingQuery> => {
    let writer = df.writeStream
      .outputMode(fixture.outputMode)
      .format('memory')
      .queryName(queryName)
      .option('checkpointLocation', checkpoint);
    if (fixture.query.trigger === 'availableNow') {
      // Spark refuses to restart a memory sink in append/update mode; its own tests opt out, so do we.
      writer = writer.trigger({ availableNow: true }).option('_kindling.test.recoverMemorySink', 'true');
    }
    return writer.start();
  };

  const steps: ReplayedBatch[][] = [];
  let done = -1;
  let seenRows = 0;
  let query = fixture.query.trigger === 'default' ? await start(name) : undefined;
  try {
    for (const [i, step] of fixture.steps.entries()) {
      let table = name;
      if (query !== undefined && fixture.query.trigger === 'default') {
        const file = `step-${String(i).padStart(3, '0')}.txt`;
        writeFileSync(join(staging, file), step.input.map((l) => `${l}\n`).join(''));
        renameSync(join(staging, file), join(inputDir, file));
        await query.processAllAvailable();
      } else {
        table = `${name}_run${i}`;
        query = await start(table);
        if (!(await query.awaitTermination(RUN_TIMEOUT_SECONDS))) {
          throw new Error(`${fixture.name} step ${i}: the availableNow run did not end within ${RUN_TIMEOUT_SECONDS} s (${JSON.stringify(await query.status())})`);
        }
        seenRows = 0;
      }
      const failure = await query.exception();
      if (failure) throw failure;

      // The executed batch's progress is the last one carrying its id.
      const progress = new Map<number, StreamingQueryProgress>();
      for (const p of await query.recentProgress()) {
        const durations = p['durationMs'] as Record<string, number> | undefined;
        if (durations?.['addBatch'] !== undefined) progress.set(p['batchId'] as number, p);
      }
      const ran = [...progress.keys()].filter((b) => b > done).sort((a, b) => a - b);
      const all = (await spark.table(table).collect()).map((r) => r.toArray());
      const counts = ran.map((b) => Number((progress.get(b)?.['sink'] as { numOutputRows?: number } | undefined)?.numOutputRows ?? 0));
      let rowsOf: (index: number) => unknown[][] | null;
      if (fixture.outputMode === 'complete') {
        // The table is the last batch's whole result; earlier batches of the step are not visible.
        rowsOf = (index) => (index === ran.length - 1 ? all : null);
      } else {
        const fresh = all.slice(seenRows);
        const total = counts.reduce((a, b) => a + b, 0);
        if (fresh.length !== total) {
          throw new Error(`${fixture.name} step ${i}: the memory sink got ${fresh.length} rows, progress says ${total} (${JSON.stringify(counts)})`);
        }
        seenRows = all.length;
        const offsets = counts.map((_, k) => counts.slice(0, k).reduce((a, b) => a + b, 0));
        rowsOf = (index) => fresh.slice(offsets[index], (offsets[index] ?? 0) + (counts[index] ?? 0));
      }
      steps.push(ran.map((batchId, index) => record(batchId, progress.get(batchId) as StreamingQueryProgress, rowsOf(index))));
      done = ran[ran.length - 1] ?? done;
    }
  } finally {
    if (query !== undefined && (await query.isActive())) await query.stop();
  }
  return steps;
}

/** A batch as Kindling reported it; `rows` null when the memory sink cannot show that batch alone. */
export type ReplayedBatch = Omit<BatchRecord, 'rows'> & { readonly rows: BatchRecord['rows'] | null };

function record(batchId: number, p: StreamingQueryProgress, rows: unknown[][] | null): ReplayedBatch {
  const op = (p['stateOperators'] as StateFacts[] | undefined)?.[0];
  return {
    batchId,
    rows,
    numInputRows: p['numInputRows'] as number,
    eventTime: (p['eventTime'] as Record<string, string> | undefined) ?? {},
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
  };
}

function source(spark: SparkSession, fixture: Fixture, inputDir: string): DataFrame {
  const { format, options } = fixture.query.source;
  const reader = spark.readStream.options(options);
  // Paths only, no `path` option: what PySpark's readStream.text(dir) sends.
  return format === 'text' ? reader.text(inputDir) : reader.format(format).load();
}

function groupKey(key: GroupKey): Column | string {
  if (typeof key === 'string') return F.expr(key);
  if ('col' in key) return key.col;
  const [column, width, slide] = key.window;
  if (column === undefined || width === undefined) throw new Error(`bad window key ${JSON.stringify(key)}`);
  return F.window(column, width, slide);
}

const AGGREGATES: Readonly<Record<AggSpec['fn'], (c: string) => Column>> = {
  count: F.count,
  sum: F.sum,
  min: F.min,
  max: F.max,
  avg: F.avg,
};

function applyOp(df: DataFrame, op: QueryOp): DataFrame {
  switch (op.op) {
    case 'selectExpr':
      return df.selectExpr(...op.exprs);
    case 'withColumn':
      return df.withColumn(op.name, F.expr(op.expr));
    case 'filter':
      return df.filter(F.expr(op.condition));
    case 'withWatermark':
      return df.withWatermark(op.eventTime, op.delay);
    case 'groupByCount':
      return df.groupBy(...op.keys.map(groupKey)).count();
    case 'groupByAgg':
      return df.groupBy(...op.keys.map(groupKey)).agg(...op.aggs.map((a) => AGGREGATES[a.fn](a.column).alias(a.alias)));
    case 'drop':
      return df.drop(...op.columns);
    default: {
      const never: never = op;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}
