import { recordBatch, takeRows, type RecordBatch } from '../../batch/record-batch.js';
import { constVector, valuesVector, type Vector } from '../../batch/vector.js';
import { B, type BoundExpr } from '../../expr/bound-expr.js';
import { InternalError } from '../../errors/errors.js';
import { compileExpr } from '../../functions/evaluate.js';
import type { MergeOp } from '../../functions/function.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import { encodeKey, mergeValue } from '../../state/state-store.js';
import { T } from '../../types/data-type.js';
import { schemaOf, type Schema } from '../../types/schema.js';
import { AggregateLayout } from '../aggregation.js';
import type { Operator, OperatorFactory } from '../operator.js';
import { mergesInAnyOrder } from './order-free-merge.js';
import { ownCopy, paneRowOrder, paneRowSchema } from './pane-rows.js';
import { Panes, type WindowValue } from './panes.js';
import { PartialAggregateExec } from './partial-aggregate.js';
import type { WeightedAggregate } from './weighted-aggregate.js';

export interface PaneAggregateConfig {
  /** The window's time over this operator's input (TimeWindow's `time`). */
  readonly time: BoundExpr;
  readonly windowUs: number;
  readonly slideUs: number;
  readonly startUs: number;
  /**
   * Groupings and aggregates bound as over TimeWindow's output: the input columns, then `window`
   * at `windowColumn` (the input's width). One grouping is that plain column; nothing else reads it.
   */
  readonly windowColumn: number;
  readonly groupings: readonly BoundExpr[];
  readonly aggregates: readonly AggregateCall[];
  /** PartialAggregate's output: grouping columns (the window among them), then buffer slots. */
  readonly schema: Schema;
  /**
   * Emit the (pane, keys) partials themselves, in `paneRowOrder` (keys but the window, pane,
   * buffers), for an exchange by the keys alone; `PaneExpand` hands them to their windows on the
   * reduce side. Unset: each partial once per window of its pane, PartialAggregate's rows.
   */
  readonly shuffleByKeys?: boolean;
}

/**
 * TimeWindow followed by PartialAggregate, done pane first: rows are aggregated by (pane, keys),
 * and only then is each partial handed to the windows of its pane, so a sliding window's rows are
 * not copied once per window. The output is PartialAggregate's, row for row: when the task saw
 * one pane (always, for a time that is constant per batch) each (pane, keys) partial is exactly
 * the (window, keys) partial of each of its windows, in the same order; partials of several panes
 * sharing a window are merged, which the planner allows only for buffers whose merge is exact
 * and order-free (`pane-planning.ts`).
 */
export const PaneAggregateExec: OperatorFactory<PaneAggregateConfig, WeightedAggregate> = {
  name: 'PaneAggregate',
  create(config, ctx) {
    const time = compileExpr(config.time, ctx.registry);
    const panes = new Panes(config.windowUs, config.slideUs, config.startUs);
    const { windowColumn } = config;
    const windowKey = config.groupings.findIndex((g) => g.kind === 'ref' && g.index === windowColumn);
    if (windowKey < 0) throw new InternalError('PaneAggregate: no grouping is the window column');
    const paneField = T.field('pane', T.long, false);
    const paneSchema = schemaOf(config.schema.fields.map((f, i) => (i === windowKey ? paneField : f)));
    const inner = PartialAggregateExec.create(
      {
        groupings: config.groupings.map((g, i) => (i === windowKey ? B.ref(windowColumn, T.long, 'pane', false) : g)),
        aggregates: config.aggregates,
        schema: paneSchema,
      },
      ctx,
    );
    const layout = new AggregateLayout(config.aggregates, ctx.registry, ctx);
    const mergeOps = layout.slots.every(mergesInAnyOrder) ? layout.mergeOps : undefined;
    const keyCount = config.groupings.length;
    const shuffled = config.shuffleByKeys === true ? paneRowSchema(paneSchema, windowKey, keyCount) : undefined;
    const order = shuffled ? paneRowOrder(paneSchema.fields.length, windowKey, keyCount) : undefined;
    let inputSchema: Schema | undefined;
    let panedSchema: Schema | undefined;
    const withPane = (batch: RecordBatch, pane: Vector): RecordBatch => {
      if (batch.columns.length !== windowColumn) throw new InternalError(`PaneAggregate: input has ${batch.columns.length} columns, expected ${windowColumn}`);
      if (batch.schema !== inputSchema || !panedSchema) {
        inputSchema = batch.schema;
        panedSchema = schemaOf([...batch.schema.fields, paneField]);
      }
      return recordBatch(panedSchema, batch.numRows, [...batch.columns, pane]);
    };
    /** The batch with each row's pane appended, without the rows whose time is NULL (TimeWindow drops them): `kept` lists the others. */
    const paned = (batch: RecordBatch): { batch: RecordBatch; kept?: number[] } | undefined => {
      if (batch.numRows === 0) return undefined;
      const t = time(batch, ctx);
      if (t.kind === 'const') {
        // NULL times have no window (TimeWindow drops the row).
        if (t.value === null || t.value === undefined) return undefined;
        return { batch: withPane(batch, constVector(panes.paneOf(t.value as number))) };
      }
      const paneOfRow: number[] = [];
      let kept: number[] | undefined;
      for (let i = 0; i < batch.numRows; i++) {
        const v = t.values[i];
        if (v === null || v === undefined) {
          kept ??= Array.from({ length: i }, (_, j) => j);
          continue;
        }
        kept?.push(i);
        paneOfRow.push(panes.paneOf(v as number));
      }
      if (paneOfRow.length === 0) return undefined;
      if (!kept) return { batch: withPane(batch, valuesVector(paneOfRow)) };
      return { batch: withPane(takeRows(batch, kept), valuesVector(paneOfRow)), kept };
    };
    return {
      schema: shuffled ?? config.schema,
      process(batch) {
        const p = paned(batch);
        return p ? inner.process(p.batch) : [];
      },
      processWeighted(batch, weights) {
        const p = paned(batch);
        if (p) inner.processWeighted(p.batch, p.kept ? p.kept.map((i) => weights[i] as number) : weights);
      },
      async finish() {
        const partials = await (inner as Required<Operator>).finish();
        if (shuffled && order) {
          // Columns moved, not copied: the partials go to the exchange as they are.
          return partials.filter((b) => b.numRows > 0).map((b) => recordBatch(shuffled, b.numRows, order.map((c) => b.columns[c] as Vector)));
        }
        const parts = partials.map((b) => expand(b, windowKey, keyCount, panes, mergeOps, config.schema));
        return parts.filter((b) => b.numRows > 0);
      },
    };
  },
};

/** Each (pane, keys) partial once per window of its pane, merged where panes share a window. */
function expand(batch: RecordBatch, windowKey: number, keyCount: number, panes: Panes, ops: readonly MergeOp[] | undefined, schema: Schema): RecordBatch {
  const n = batch.numRows;
  const columns = batch.columns.map((c) => (c.kind === 'values' ? c.values : Array.from({ length: n }, () => c.value)));
  const paneOf = columns[windowKey] as readonly number[];
  if (paneOf.every((p) => p === paneOf[0])) return expandOnePane(columns, windowKey, keyCount, panes.windowsOf(paneOf[0] as number), schema);
  // The planner chose panes for order-bound buffers only for a time constant per batch.
  if (!ops) throw new InternalError('PaneAggregate: several panes in one task, and buffers that cannot be merged in any order');
  return expandMerging(columns, windowKey, keyCount, panes, ops, schema);
}

/** One pane: its windows are every group's windows; a group's rows come out together, latest window first. */
function expandOnePane(
  columns: readonly (readonly unknown[])[],
  windowKey: number,
  keyCount: number,
  windows: readonly WindowValue[],
  schema: Schema,
): RecordBatch {
  const n = (columns[0] as readonly unknown[]).length;
  const m = windows.length;
  const out = columns.map((col, c) => {
    const values = new Array<unknown>(n * m);
    let at = 0;
    for (let r = 0; r < n; r++) {
      const v = col[r];
      for (let i = 0; i < m; i++) values[at++] = c === windowKey ? windows[i] : i === 0 || c < keyCount ? v : ownCopy(v);
    }
    return valuesVector(values);
  });
  return recordBatch(schema, n * m, out);
}

/** Several panes: a (window, keys) group is made where its first partial comes, later partials of other panes merge into it. */
function expandMerging(
  columns: readonly (readonly unknown[])[],
  windowKey: number,
  keyCount: number,
  panes: Panes,
  ops: readonly MergeOp[],
  schema: Schema,
): RecordBatch {
  const n = (columns[0] as readonly unknown[]).length;
  const out: unknown[][] = columns.map(() => []);
  const groupOf = new Map<string, number>();
  for (let r = 0; r < n; r++) {
    const others: unknown[] = [];
    for (let c = 0; c < keyCount; c++) if (c !== windowKey) others.push((columns[c] as readonly unknown[])[r]);
    // The reduce side's key text (encodeKey), so what merges here would merge there too.
    const keyText = encodeKey(others);
    for (const w of panes.windowsOf((columns[windowKey] as readonly number[])[r] as number)) {
      const k = `${w[0]} ${keyText}`;
      const g = groupOf.get(k);
      if (g === undefined) {
        groupOf.set(k, (out[0] as unknown[]).length);
        columns.forEach((col, c) => (out[c] as unknown[]).push(c === windowKey ? w : c < keyCount ? col[r] : ownCopy(col[r])));
        continue;
      }
      for (let c = keyCount; c < columns.length; c++) {
        const slot = out[c] as unknown[];
        slot[g] = mergeValue(ops[c - keyCount] as MergeOp, slot[g], ownCopy((columns[c] as readonly unknown[])[r]));
      }
    }
  }
  return recordBatch(schema, (out[0] as unknown[]).length, out.map((v) => valuesVector(v)));
}
