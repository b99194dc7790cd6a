import type { Schema } from '../../types/schema.js';
import { schemaOf } from '../../types/schema.js';

/**
 * The column order of pane partials shuffled by their keys (`PaneAggregate` with `shuffleByKeys`,
 * read back by `PaneExpand`): the grouping columns but the window, in order, then the pane, then
 * the buffer slots. The exchange hashes the leading columns, so leaving the pane out of them puts
 * every window of a key in one partition.
 */
export function paneRowOrder(width: number, windowKey: number, keyCount: number): number[] {
  const order: number[] = [];
  for (let c = 0; c < keyCount; c++) if (c !== windowKey) order.push(c);
  order.push(windowKey);
  for (let c = keyCount; c < width; c++) order.push(c);
  return order;
}

/** `schema` (grouping columns with the pane at `windowKey`, then buffers) in `paneRowOrder`. */
export function paneRowSchema(schema: Schema, windowKey: number, keyCount: number): Schema {
  return schemaOf(paneRowOrder(schema.fields.length, windowKey, keyCount).map((c) => schema.fields[c] as Schema['fields'][number]));
}

/** A buffer value for one more window: arrays and sets copied, so no two groups share a mutable buffer. */
export function ownCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.slice();
  if (v instanceof Set) return new Set(v);
  return v;
}
