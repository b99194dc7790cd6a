import { concatBatches, recordBatch, type RecordBatch } from '../batch/record-batch.js';
import { valuesVector } from '../batch/vector.js';
import { AnalysisError, InternalError } from '../errors/errors.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { collectNodes, isStreamingPlan, type AnalyzedPlan, type ScanNode } from '../plan/analyzed-plan.js';
import { Pipeline, type OperatorSpec, type TaskContext } from './operator.js';
import { defaultOperators } from './operators/index.js';
import { deduplicateSpec, finalAggregateSpec, limitSpec, narrowSpec, partialAggregateSpec, sortSpec } from './specs.js';
import { sparkSlices } from './leaf-slices.js';
import { paneAggregateSpec } from './pane-planning.js';
import { newTaskMetrics } from './task-metrics.js';
import { hashJoin } from './join-operator.js';
import { expandRows, sampleRows, summaryRows, tailRows } from './relational-exec.js';
import { windowSpec } from './window-spec.js';
import type { EvalContext } from '../functions/function.js';

const MAX_RANGE_ROWS = 50_000_000;

/** Formats Spark reads as a file stream source (`FileSource[path]`). */
const FILE_FORMATS = new Set(['text', 'json', 'csv', 'parquet', 'orc']);

/**
 * Spark's UnsupportedOperationChecker.checkForBatch: a batch action (collect, count, show,
 * toPandas) on a streaming plan names the first streaming relation after the message, as its
 * ExtendedAnalysisException does (`rate`, `socket`, `FileSource[/in]`).
 */
function streamingSourceInBatch(plan: AnalyzedPlan): AnalysisError {
  const scan = collectNodes(plan, 'scan').find((s) => s.streaming);
  const format = scan?.source.format.toLowerCase() ?? '';
  const pathOption = Object.entries(scan?.source.options ?? {}).find(([k]) => k.toLowerCase() === 'path')?.[1];
  const path = scan?.source.paths[0] ?? pathOption ?? '';
  return new AnalysisError('', {
    errorClass: '_LEGACY_ERROR_TEMP_3102',
    messageParameters: {
      msg: 'Queries with streaming sources must be executed with writeStream.start(), or from a streaming table or flow definition within a Spark Declarative Pipeline.',
    },
    plan: FILE_FORMATS.has(format) ? `FileSource[${path}]` : format,
  });
}

export interface BatchExecutionDeps {
  readonly registry: FunctionRegistry;
  readonly eval: EvalContext;
  /** Rows of a catalog table (memory-sink tables) as of now. */
  readTable(name: string): RecordBatch;
  /** A batch read of a data source (`spark.read.format(...).load()`). */
  readSource(scan: ScanNode): Promise<RecordBatch>;
  /** Slices driver-side data is cut into before aggregating (Spark's leafNodeDefaultParallelism); default 1. */
  readonly leafParallelism?: number;
}

/**
 * Runs a batch (non-streaming) plan in this process with the same physical operators streaming
 * queries use. Batch plans read driver-side data (memory tables, client rows, small files).
 */
export async function executeBatchPlan(plan: AnalyzedPlan, deps: BatchExecutionDeps): Promise<RecordBatch> {
  if (isStreamingPlan(plan)) throw streamingSourceInBatch(plan);
  const ctx: TaskContext = { ...deps.eval, registry: deps.registry, metrics: newTaskMetrics() };
  const run = async (specs: readonly OperatorSpec[], input: RecordBatch): Promise<RecordBatch> => {
    const pipeline = Pipeline.create(specs, defaultOperators, ctx);
    const out = pipeline.push(input);
    out.push(...(await pipeline.finish()));
    const schema = out[0]?.schema;
    if (!schema) return emptyOf(specs, input);
    return concatBatches(schema, out);
  };
  const exec = async (p: AnalyzedPlan, parent: AnalyzedPlan | undefined): Promise<RecordBatch> => {
    switch (p.kind) {
      case 'scan':
        return deps.readSource(p);
      case 'table':
        return deps.readTable(p.name);
      case 'localData':
        return p.batch;
      case 'range':
        return await rangeBatch(p.start, p.end, p.step, p.schema);
      case 'project':
      case 'filter':
      case 'generate':
      case 'timeWindow':
      case 'watermark':
        return withSchema(await run([narrowSpec(p, parent, 'batch')], await exec(p.input, p)), p.schema);
      case 'aggregate': {
        // One partial aggregate per leaf slice, merged in slice order, as Spark's two-phase plan does.
        // Pane first over a time window: the TimeWindow's input is then the one slice it was before.
        const panes = p.input.kind === 'timeWindow' ? paneAggregateSpec(p, deps.registry, deps.eval) : undefined;
        const slices = panes && p.input.kind === 'timeWindow' ? [await exec(p.input.input, p.input)] : await sliced(p.input, p);
        const partialSpec = panes ?? partialAggregateSpec(p, deps.registry, deps.eval).spec;
        const partials: RecordBatch[] = [];
        for (const s of slices) partials.push(await run([partialSpec], s));
        const pipeline = Pipeline.create([finalAggregateSpec(p)], defaultOperators, ctx);
        const out = partials.flatMap((b) => pipeline.push(b));
        out.push(...(await pipeline.finish()));
        const schema = out[0]?.schema;
        return schema ? withSchema(concatBatches(schema, out), p.schema) : emptyOf([finalAggregateSpec(p)], partials[0] ?? (await exec(p.input, p)));
      }
      case 'sort':
        return withSchema(await run([sortSpec(p)], await exec(p.input, p)), p.schema);
      case 'limit':
        return withSchema(await run([limitSpec(p.schema, p.limit, 0)], await exec(p.input, p)), p.schema);
      case 'offset':
        return withSchema(await run([limitSpec(p.schema, -1, p.offset)], await exec(p.input, p)), p.schema);
      case 'deduplicate':
        return withSchema(await run([deduplicateSpec(p)], await exec(p.input, p)), p.schema);
      case 'union': {
        const parts = await Promise.all(p.inputs.map((i) => exec(i, p)));
        return concatBatches(
          p.schema,
          parts.map((b) => recordBatch(p.schema, b.numRows, b.columns)),
        );
      }
      case 'join': {
        const [left, right] = await Promise.all([exec(p.left, p), exec(p.right, p)]);
        return hashJoin(left, right, p, deps.registry, deps.eval);
      }
      case 'window':
        return withSchema(await run([windowSpec(p)], await exec(p.input, p)), p.schema);
      case 'expand':
        return expandRows(p, await exec(p.input, p), deps.registry, deps.eval);
      case 'sample':
        return withSchema(sampleRows(p, await exec(p.input, p)), p.schema);
      case 'tail':
        return withSchema(tailRows(await exec(p.input, p), p.limit), p.schema);
      case 'summary':
        return summaryRows(p, await exec(p.input, p), deps.eval);
      default: {
        const never: never = p;
        throw new InternalError(`cannot execute ${JSON.stringify(never)}`);
      }
    }
  };
  /** A subtree's output as Spark's partitions: leaves of driver data sliced, narrow operators per slice. */
  const sliced = async (p: AnalyzedPlan, parent: AnalyzedPlan | undefined): Promise<RecordBatch[]> => {
    switch (p.kind) {
      case 'localData':
      case 'table':
      case 'range':
        return sparkSlices(await exec(p, parent), deps.leafParallelism ?? 1);
      case 'project':
      case 'filter': {
        const parts = await sliced(p.input, p);
        const out: RecordBatch[] = [];
        for (const s of parts) out.push(withSchema(await run([narrowSpec(p, parent, 'batch')], s), p.schema));
        return out;
      }
      default:
        return [await exec(p, parent)];
    }
  };
  return exec(plan, undefined);
}

function withSchema(b: RecordBatch, schema: RecordBatch['schema']): RecordBatch {
  return b.schema === schema ? b : recordBatch(schema, b.numRows, b.columns);
}

function emptyOf(specs: readonly OperatorSpec[], input: RecordBatch): RecordBatch {
  const last = specs[specs.length - 1];
  const schema = (last?.config as { schema?: RecordBatch['schema'] } | undefined)?.schema ?? input.schema;
  return recordBatch(
    schema,
    0,
    schema.fields.map(() => valuesVector([])),
  );
}

/** Rows a range builds between two turns of the event loop (a 50 M-row range must not stall the master). */
const RANGE_SLICE_ROWS = 1 << 16;

/** From this many rows a range is held as a Float64Array. */
const RANGE_TYPED_MIN_ROWS = 1 << 20;

/**
 * The ids of `range(start, end, step)`. A large range is a Float64Array read as an array of
 * numbers (index, length, slice, iteration are all the vectors use): one allocation off the JS
 * heap, which the GC neither copies as a growing array nor scans, so building and sending 50 M
 * rows costs other sessions no long pauses. Smaller ranges are plain arrays.
 */
async function rangeBatch(start: number, end: number, step: number, schema: RecordBatch['schema']): Promise<RecordBatch> {
  const n = Math.max(0, Math.ceil((end - start) / step));
  if (n > MAX_RANGE_ROWS) {
    throw new AnalysisError(`range(${start}, ${end}, ${step}) has ${n} rows; Kindling materializes at most ${MAX_RANGE_ROWS}.`);
  }
  const ids: number[] | Float64Array = n >= RANGE_TYPED_MIN_ROWS ? new Float64Array(n) : new Array<number>(n);
  for (let from = 0; from < n; from += RANGE_SLICE_ROWS) {
    if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const to = Math.min(n, from + RANGE_SLICE_ROWS);
    for (let i = from; i < to; i++) ids[i] = start + i * step;
  }
  return recordBatch(schema, n, [valuesVector(ids as ArrayLike<number> as readonly unknown[])]);
}
