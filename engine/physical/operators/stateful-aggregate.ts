import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { valuesVector } from '../../batch/vector.js';
import { InternalError } from '../../errors/errors.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import { stateKeyValues } from '../../state/state-key.js';
import type { StateRow } from '../../state/state-store.js';
import type { Schema } from '../../types/schema.js';
import { AggregateLayout } from '../aggregation.js';
import type { OperatorFactory } from '../operator.js';
import { paneOutputSchema, panesAddUp } from '../pane-output.js';
import { emptyStateMetrics, mergeStateMetrics } from '../task-metrics.js';
import { PartialMerger } from './partial-merger.js';

export interface StatefulAggregateConfig {
  readonly keyCount: number;
  readonly aggregates: readonly AggregateCall[];
  /**
   * Where the event time of a key is: grouping column `column`, and for a window struct its `end`
   * field (`field` = 1); null when the aggregation has no watermark.
   */
  readonly eventTime: { readonly column: number; readonly field: number | null } | null;
  /** Aggregate output: grouping columns then finished aggregate values. */
  readonly schema: Schema;
}

/**
 * Spark's StateStoreRestore → merge → StateStoreSave for one partition: merges this batch's
 * partial buffers per key, hands them to the partition's StateStore in one atomic, batch-id-guarded
 * step (late filter, eviction, emit per output mode), and finishes the emitted buffers.
 */
export const StatefulAggregateExec: OperatorFactory<StatefulAggregateConfig> = {
  name: 'StatefulAggregate',
  create(config, ctx) {
    const layout = new AggregateLayout(config.aggregates, ctx.registry, ctx);
    const eventTimeOf = (key: readonly unknown[]): number | null => {
      const et = config.eventTime;
      if (!et) return null;
      const v = key[et.column];
      const t = et.field === null ? v : (v as readonly unknown[] | null)?.[et.field];
      return typeof t === 'number' ? t : null;
    };
    const merger = new PartialMerger(config.keyCount, layout.mergeOps, eventTimeOf);
    return {
      schema: config.schema,
      process(batch) {
        merger.add(batch);
        return [];
      },
      async finish() {
        const state = ctx.state;
        if (!state) throw new InternalError('StatefulAggregate needs a state store');
        // The merged groups are state rows already (identity, event time, buffers, grouping values).
        const rows = merger.rows();
        const paneRows = state.paneRows;
        // Pane rows make window rows as this batch's are made: PaneExpand's windows, merged by key here.
        const panes = paneRows && {
          rows: paneRows.rows,
          windows: (stored: readonly StateRow[]): StateRow[] => {
            const m = new PartialMerger(config.keyCount, layout.mergeOps, eventTimeOf);
            m.add(paneRows.windows(stored));
            return m.rows();
          },
        };
        const started = performance.now();
        const result = await state.store.applyBatch({
          batchId: state.batchId,
          rows,
          mergeOps: layout.mergeOps,
          lateBeforeUs: config.eventTime && state.outputMode !== 'complete' ? state.lateBeforeUs : null,
          evictBeforeUs: config.eventTime && state.outputMode !== 'complete' ? state.evictBeforeUs : null,
          emit: state.emit,
          ...(panes ? { panes } : {}),
        });
        const elapsed = performance.now() - started;
        ctx.metrics.state = mergeStateMetrics(ctx.metrics.state ?? emptyStateMetrics(), {
          ...emptyStateMetrics(),
          numRowsTotal: result.numRowsTotal,
          numRowsUpdated: result.numRowsUpdated,
          numRowsRemoved: result.numRowsRemoved,
          numRowsDroppedByWatermark: result.numRowsDroppedByWatermark,
          memoryUsedBytes: result.memoryUsedBytes,
          allUpdatesTimeMs: Math.round(elapsed),
          numStateStoreInstances: 1,
        });
        // Pane totals instead of their windows where the driver adds them up exactly (pane-output.ts).
        if (paneRows && result.paneRows && panesAddUp(config.aggregates)) return paneTotals(result.paneRows, paneOutputSchema(paneRows.shape, config.schema));
        if (result.rows.length === 0) return [];
        // Column by column: no array per emitted row (complete mode emits every key, every batch).
        // The rows may be the store's own (changed in place by its next batch): read before returning.
        const n = result.rows.length;
        const groups = new Map<string, readonly unknown[]>();
        const kc = config.keyCount;
        const keys: unknown[][] = Array.from({ length: kc }, () => new Array<unknown>(n));
        const aggs: unknown[][] = Array.from({ length: config.schema.fields.length - kc }, () => new Array<unknown>(n));
        for (let i = 0; i < n; i++) {
          const r = result.rows[i] as StateRow;
          const kv = r.keyValues ?? stateKeyValues(r, groups);
          for (let c = 0; c < kc; c++) (keys[c] as unknown[])[i] = kv[c] ?? null;
          layout.finishInto(aggs, i, r.buffers);
        }
        return [recordBatch(config.schema, n, [...keys, ...aggs].map((v) => valuesVector(v)))];
      },
    };

    /** (pane, key, counts...) rows: a count's buffer is its finished value, null as 0 (count's finish). */
    function paneTotals(rows: readonly StateRow[], schema: Schema): RecordBatch[] {
      if (rows.length === 0) return [];
      const n = rows.length;
      const width = schema.fields.length;
      const columns: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(n));
      const groups = new Map<string, readonly unknown[]>();
      for (let i = 0; i < n; i++) {
        const r = rows[i] as StateRow;
        const kv = r.keyValues ?? stateKeyValues(r, groups);
        (columns[0] as unknown[])[i] = kv[0];
        (columns[1] as unknown[])[i] = kv[1] ?? null;
        for (let c = 2; c < width; c++) (columns[c] as unknown[])[i] = r.buffers[c - 2] ?? 0;
      }
      return [recordBatch(schema, n, columns.map((v) => valuesVector(v)))];
    }
  },
};
