import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { isUtf8Lines } from '../../batch/utf8-lines.js';
import { constVector, valuesVector, type Vector } from '../../batch/vector.js';
import { InternalError } from '../../errors/errors.js';
import type { Operator, OperatorFactory, OperatorSpec, TaskContext } from '../operator.js';
import { ProjectExec, type GenerateConfig, type ProjectConfig } from './narrow.js';
import { PaneAggregateExec, type PaneAggregateConfig } from './pane-aggregate.js';
import { PartialAggregateExec, type PartialAggregateConfig } from './partial-aggregate.js';
import { WordCounter } from './split-words.js';
import { Utf8WordCounter } from './split-words-utf8.js';
import { observeEventTimes, type WatermarkConfig } from './watermark.js';
import type { WeightedAggregate } from './weighted-aggregate.js';

export interface SplitAggregateConfig {
  /** The Generate fused: `explode(split(line, pattern))`, no input column kept (they are NULL constants above it). */
  readonly generate: GenerateConfig;
  /** Its input column holding the lines. */
  readonly column: number;
  /** The one UTF-16 code unit `split`'s literal pattern stands for. */
  readonly separator: string;
  /** The Project and EventTimeWatermark operators between the Generate and the aggregation, in order. */
  readonly between: readonly OperatorSpec[];
  /** The aggregation (PaneAggregate or PartialAggregate), every buffer an integral sum. */
  /** Its output is the fused operator's (with the pane shuffle, pane rows rather than window rows). */
  readonly aggregate: OperatorSpec;
}

type Step = { readonly kind: 'project'; readonly op: Operator } | { readonly kind: 'watermark'; readonly config: WatermarkConfig };

/**
 * `Generate(explode(split(line, 'c')))`, row-wise Projects and watermarks, then a map-side
 * aggregation whose buffers are integral sums, fused (as Spark's whole-stage codegen fuses
 * generate and the partial aggregate): the words are counted straight from the lines, and the
 * operators above the generator see each distinct word of a batch once, with its count as the
 * row's weight (watermark statistics and sums count it that many times), never one row per word.
 * The planner fuses only when that gives the same partials (`split-aggregate-planning.ts`): no
 * input column kept, every expression deterministic per row.
 */
export const SplitAggregateExec: OperatorFactory<SplitAggregateConfig> = {
  name: 'SplitAggregate',
  create(config, ctx) {
    const counter = new WordCounter(config.separator);
    // Lines still in UTF-8 (a socket split) are counted from their bytes, when the separator is one byte there.
    const bytesCounter = config.separator.charCodeAt(0) < 0x80 ? new Utf8WordCounter(config.separator) : undefined;
    const steps = config.between.map((spec) => step(spec, ctx));
    const aggregate = weightedAggregate(config.aggregate, ctx);
    const carried: Vector[] = config.generate.keep.map(() => constVector(null));
    return {
      schema: aggregate.schema,
      process(batch) {
        const lines = batch.columns[config.column];
        if (!lines) throw new InternalError(`SplitAggregate: no input column ${config.column}`);
        const { words, weights } =
          bytesCounter && isUtf8Lines(lines) ? bytesCounter.count(lines.utf8, batch.numRows) : counter.count(lines, batch.numRows);
        if (words.length === 0) return [];
        let rows: RecordBatch = recordBatch(config.generate.schema, words.length, [...carried, valuesVector(words)]);
        for (const s of steps) {
          if (s.kind === 'watermark') {
            const v = rows.columns[s.config.column];
            if (v) observeEventTimes(s.config.id, v, rows.numRows, ctx, weights);
            continue;
          }
          const out = s.op.process(rows);
          if (out.length !== 1 || out[0]?.numRows !== words.length) throw new InternalError('SplitAggregate: a Project changed the number of rows');
          rows = out[0];
        }
        aggregate.processWeighted(rows, weights);
        return [];
      },
      finish: () => (aggregate as Required<WeightedAggregate>).finish(),
    };
  },
};

function step(spec: OperatorSpec, ctx: TaskContext): Step {
  switch (spec.name) {
    case 'Project':
      return { kind: 'project', op: ProjectExec.create(spec.config as ProjectConfig, ctx) };
    case 'EventTimeWatermark':
      return { kind: 'watermark', config: spec.config as WatermarkConfig };
    default:
      throw new InternalError(`SplitAggregate: cannot fuse '${spec.name}'`);
  }
}

function weightedAggregate(spec: OperatorSpec, ctx: TaskContext): WeightedAggregate {
  switch (spec.name) {
    case 'PaneAggregate':
      return PaneAggregateExec.create(spec.config as PaneAggregateConfig, ctx);
    case 'PartialAggregate':
      return PartialAggregateExec.create(spec.config as PartialAggregateConfig, ctx);
    default:
      throw new InternalError(`SplitAggregate: cannot fuse the aggregation '${spec.name}'`);
  }
}
