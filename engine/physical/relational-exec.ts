import { batchFromRows, recordBatch, sliceBatch, takeRows, type RecordBatch } from '../batch/record-batch.js';
import { materialize, valuesVector } from '../batch/vector.js';
import { compileCast } from '../expr/cast.js';
import { compileExpr } from '../functions/evaluate.js';
import type { EvalContext } from '../functions/function.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { ExpandNode, SampleNode, SummaryNode } from '../plan/analyzed-plan.js';
import { T, isNumeric, type DataType } from '../types/data-type.js';
import { compareValues } from './compare.js';

/** Spark's Expand: every input row once per projection, projections in order. */
export function expandRows(node: ExpandNode, input: RecordBatch, registry: FunctionRegistry, ctx: EvalContext): RecordBatch {
  const n = input.numRows;
  const outputs = node.projections.map((p) => p.map((e) => materialize(compileExpr(e, registry)(input, ctx), n)));
  const columns = node.schema.fields.map((_, c) => {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) for (const proj of outputs) out.push((proj[c] as readonly unknown[])[i] ?? null);
    return valuesVector(out);
  });
  return recordBatch(node.schema, n * node.projections.length, columns);
}

/**
 * Bernoulli sampling (Poisson with replacement) with a seeded generator: the same seed gives the
 * same rows for the same input. Spark's rows differ (its generator is per partition).
 */
export function sampleRows(node: SampleNode, input: RecordBatch): RecordBatch {
  const rand = xorshift(node.seed);
  const keep: number[] = [];
  const fraction = node.upperBound - node.lowerBound;
  for (let i = 0; i < input.numRows; i++) {
    if (node.withReplacement) {
      // Knuth's Poisson draw with mean `fraction`.
      const limit = Math.exp(-fraction);
      let k = 0;
      let p = rand();
      while (p > limit) {
        k++;
        p *= rand();
      }
      for (let j = 0; j < k; j++) keep.push(i);
    } else {
      const x = rand();
      if (x >= node.lowerBound && x < node.upperBound) keep.push(i);
    }
  }
  return takeRows(input, keep);
}

function xorshift(seed: number): () => number {
  let s = (Math.floor(seed) ^ 0x5deece66d) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export function tailRows(input: RecordBatch, limit: number): RecordBatch {
  return sliceBatch(input, Math.max(0, input.numRows - limit), input.numRows);
}

/**
 * Spark's StatFunctions.summary: count, mean, stddev (sample), min, max, approximate percentiles
 * (exact here: the smallest value with at least p of the rows at or below it, which is what Spark's
 * percentile_approx returns for data under its accuracy) and count_distinct, all as strings.
 */
export function summaryRows(node: SummaryNode, input: RecordBatch, ctx: EvalContext): RecordBatch {
  const n = input.numRows;
  const columns = node.columns.map((c) => {
    const field = input.schema.fields[c];
    const values = materialize(input.columns[c] ?? valuesVector([]), n).filter((v) => v !== null && v !== undefined);
    return { type: field?.type ?? T.string, values };
  });
  const toText = (v: unknown, type: DataType): string | null => {
    if (v === null || v === undefined) return null;
    const cast = compileCast(type, T.string, 'legacy');
    const out = cast(valuesVector([v]), 1, ctx);
    return (out.kind === 'const' ? out.value : out.values[0]) as string | null;
  };
  const rows = node.statistics.map((stat) => {
    const s = stat.toLowerCase();
    return [
      stat,
      ...columns.map(({ type, values }) => {
        const numeric = isNumeric(type);
        switch (s) {
          case 'count':
            return String(values.length);
          case 'count_distinct':
          case 'approx_count_distinct':
            return String(new Set(values.map((v) => JSON.stringify(v))).size);
          case 'mean': {
            const xs = numbers(values, type);
            return xs.length === 0 ? null : toText(xs.reduce((a, b) => a + b, 0) / xs.length, T.double);
          }
          case 'stddev': {
            const xs = numbers(values, type);
            if (xs.length < 2) return xs.length === 1 && numeric ? null : null;
            // Spark's CentralMomentAgg update, for the same rounding.
            let count = 0;
            let avg = 0;
            let m2 = 0;
            for (const x of xs) {
              count++;
              const delta = x - avg;
              const deltaN = delta / count;
              avg += deltaN;
              m2 += delta * (delta - deltaN);
            }
            return toText(Math.sqrt(m2 / (count - 1)), T.double);
          }
          case 'min':
          case 'max': {
            if (values.length === 0) return null;
            const sorted = [...values].sort((a, b) => compareValues(a, b, type, true));
            return toText(s === 'min' ? sorted[0] : sorted[sorted.length - 1], type);
          }
          default: {
            if (!numeric || values.length === 0) return null;
            const p = Number(s.slice(0, -1)) / 100;
            const sorted = [...values].sort((a, b) => compareValues(a, b, type, true));
            const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
            return toText(sorted[at], type);
          }
        }
      }),
    ];
  });
  return batchFromRows(node.schema, rows);
}

/** Numeric values of a column (strings that parse as numbers count, as Spark casts them to double). */
function numbers(values: readonly unknown[], type: DataType): number[] {
  if (isNumeric(type)) return values.map((v) => Number(v));
  if (type.kind !== 'string') return [];
  return values.map((v) => Number(String(v).trim())).filter((x) => String(x) !== 'NaN');
}
