import { batchFromRows } from '../../batch/record-batch.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import type { Schema } from '../../types/schema.js';
import { AggregateLayout } from '../aggregation.js';
import type { OperatorFactory } from '../operator.js';
import { PartialMerger } from './partial-merger.js';

export interface FinalAggregateConfig {
  readonly keyCount: number;
  readonly aggregates: readonly AggregateCall[];
  readonly schema: Schema;
}

/** The reduce-side half of a batch aggregation: merge partial buffers per key, then finish. */
export const FinalAggregateExec: OperatorFactory<FinalAggregateConfig> = {
  name: 'FinalAggregate',
  create(config, ctx) {
    const layout = new AggregateLayout(config.aggregates, ctx.registry, ctx);
    const merger = new PartialMerger(config.keyCount, layout.mergeOps);
    return {
      schema: config.schema,
      process(batch) {
        merger.add(batch);
        return [];
      },
      finish() {
        const rows: unknown[][] = [];
        for (const g of merger.groups()) rows.push([...g.keyValues, ...layout.finish(g.buffers)]);
        if (rows.length === 0 && config.keyCount === 0) rows.push(layout.finish(layout.newState()));
        return Promise.resolve(rows.length === 0 ? [] : [batchFromRows(config.schema, rows)]);
      },
    };
  },
};
