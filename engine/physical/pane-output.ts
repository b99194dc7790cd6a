import type { RecordBatch } from '../batch/record-batch.js';
import type { AggregateCall } from '../plan/analyzed-plan.js';
import { T, type StructField } from '../types/data-type.js';
import { schemaOf, type Schema } from '../types/schema.js';

/**
 * A pane-state aggregation's reduce output as (pane, key) totals instead of (window, key) rows:
 * a word's changed pane is one row where its 12 windows (60 s / 5 s) were 12, through the Arrow
 * encoding, gRPC and the driver's decode. The driver's complete result keeps the pane totals and
 * turns them into the windows it holds (`CompleteResult`).
 *
 * The batch says what it is: its first column's name carries the window's shape, so the driver
 * needs nothing from the plan, and a batch of window rows (another store, an older checkpoint's
 * layout) merges as before. This is only a format between a run's workers and its driver: the
 * checkpoint and the state layout are the pane state's (`kindling.sql.streaming.paneState`), so no
 * conf is frozen for it.
 */
export interface PaneOutputShape {
  readonly windowUs: number;
  readonly slideUs: number;
  readonly startUs: number;
  /** Where the window is among the result's two grouping columns. */
  readonly windowKey: number;
}

const PREFIX = '__kindling_pane_totals:';

/**
 * Whether a window's value is exactly its panes' finished totals added up, so the driver may update a
 * window by a pane's change (new total − old): plain `count`s only (integral, exact within 2^53,
 * null never finished). Sums may finish as null, min/max do not subtract: they keep window rows.
 */
export function panesAddUp(aggregates: readonly AggregateCall[]): boolean {
  return aggregates.length > 0 && aggregates.every((a) => a.fn === 'count' && !a.distinct);
}

/** The pane-totals batch's schema for a result of `schema` (the window and one key, then the counts). */
export function paneOutputSchema(shape: PaneOutputShape, schema: Schema): Schema {
  const other = schema.fields[shape.windowKey === 0 ? 1 : 0] as StructField;
  const name = `${PREFIX}${shape.windowUs}:${shape.slideUs}:${shape.startUs}:${shape.windowKey}`;
  return schemaOf([T.field(name, T.long, false), other, ...schema.fields.slice(2)]);
}

/** The shape of a pane-totals batch; undefined for any other batch. */
export function paneOutputShapeOf(batch: RecordBatch): PaneOutputShape | undefined {
  const name = batch.schema.fields[0]?.name;
  if (name === undefined || !name.startsWith(PREFIX)) return undefined;
  const [windowUs, slideUs, startUs, windowKey] = name.slice(PREFIX.length).split(':').map(Number) as [number, number, number, number];
  return { windowUs, slideUs, startUs, windowKey };
}
