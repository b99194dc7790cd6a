import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { valuesVector } from '../../batch/vector.js';
import { InternalError } from '../../errors/errors.js';
import type { MergeOp } from '../../functions/function.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import { RAW_KEY_KINDS, stateKeyValues } from '../../state/state-key.js';
import { encodeKey, mergeValue, type StateRow } from '../../state/state-store.js';
import type { StructField } from '../../types/data-type.js';
import type { Schema } from '../../types/schema.js';
import { AggregateLayout } from '../aggregation.js';
import type { OperatorFactory } from '../operator.js';
import { mergesInAnyOrder } from './order-free-merge.js';
import { ownCopy } from './pane-rows.js';
import { Panes, type WindowValue } from './panes.js';

export interface PaneExpandConfig {
  readonly windowUs: number;
  readonly slideUs: number;
  readonly startUs: number;
  /** Grouping columns of the window-level rows, the window among them (at `windowKey`). */
  readonly keyCount: number;
  readonly windowKey: number;
  readonly aggregates: readonly AggregateCall[];
  /** The window-level partial rows made (PartialAggregate's schema): grouping columns, then buffers. */
  readonly schema: Schema;
  /**
   * Also leave the merged (pane, keys) rows for the stateful aggregation (`StateContext.paneRows`),
   * so its store may persist panes instead of windows. Set by `paneStatePlan` only where that is
   * exact: one grouping key besides the window, of a kind whose JSON text reads back as itself,
   * buffers that merge exactly in any order, complete mode.
   */
  readonly paneState?: boolean;
}

/** Key kinds whose values come back from their JSON text as they were (longs may not be numbers). */
const PANE_KEY_KINDS: ReadonlySet<string> = new Set(['string', 'byte', 'short', 'integer']);

/** The (pane, keys) partials of one key: one per pane, in the order first seen. */
interface PaneGroup {
  readonly others: unknown[];
  readonly panes: number[];
  readonly buffers: unknown[][];
}

/**
 * The reduce side of a pane shuffle: merges the (pane, keys) partials every map task sent (in
 * `paneRowOrder`, exchanged by the keys alone) and hands each merged pane to its windows, so the
 * stateful aggregation after it gets the (window, keys) partial rows it would get from map tasks
 * that windowed their partials themselves. Partials of one pane merge in arrival order, as the
 * stateful aggregation merges window partials; panes sharing a window merge with the buffer's
 * merge, which the planner allows only for order-free buffers (several panes in one batch come
 * only from a time that is not constant per batch, see `pane-planning.ts`).
 */
export const PaneExpandExec: OperatorFactory<PaneExpandConfig> = {
  name: 'PaneExpand',
  create(config, ctx) {
    const panes = new Panes(config.windowUs, config.slideUs, config.startUs);
    const layout = new AggregateLayout(config.aggregates, ctx.registry, ctx);
    const ops = layout.mergeOps;
    const others = config.keyCount - 1;
    if (others < 1) throw new InternalError('PaneExpand: no grouping but the window');
    const otherKind = (config.schema.fields[config.windowKey === 0 ? 1 : 0] as StructField).type.kind;
    const rawKey = others === 1 && RAW_KEY_KINDS.has(otherKind);
    // Pane rows persisted and read back make the same windows only when the key's JSON text reads
    // back as the value itself and panes merge into windows exactly in any order; and only complete
    // mode, where nothing is filtered as late or evicted (a window dropped would live on in its panes).
    const paneState =
      config.paneState === true && ctx.state?.outputMode === 'complete' && others === 1 && PANE_KEY_KINDS.has(otherKind) && layout.slots.every(mergesInAnyOrder);
    const groups = new Map<unknown, PaneGroup>();
    return {
      schema: config.schema,
      process(batch) {
        const cols = batch.columns;
        const width = cols.length;
        if (width !== config.schema.fields.length) throw new InternalError(`PaneExpand: input has ${width} columns, expected ${config.schema.fields.length}`);
        const read = cols.map((c) => (c.kind === 'const' ? (): unknown => c.value : (i: number): unknown => c.values[i]));
        const readPane = read[others] as (i: number) => unknown;
        for (let r = 0; r < batch.numRows; r++) {
          const key: unknown[] = new Array<unknown>(others);
          for (let c = 0; c < others; c++) key[c] = (read[c] as (i: number) => unknown)(r);
          const id = rawKey ? (key[0] ?? null) : encodeKey(key);
          const pane = readPane(r) as number;
          let g = groups.get(id);
          if (!g) groups.set(id, (g = { others: key, panes: [], buffers: [] }));
          const at = g.panes.indexOf(pane);
          if (at < 0) {
            const buffers = new Array<unknown>(width - others - 1);
            for (let c = others + 1; c < width; c++) buffers[c - others - 1] = ownCopy((read[c] as (i: number) => unknown)(r));
            g.panes.push(pane);
            g.buffers.push(buffers);
            continue;
          }
          const into = g.buffers[at] as unknown[];
          for (let c = others + 1; c < width; c++) {
            const s = c - others - 1;
            const a = into[s];
            const b = (read[c] as (i: number) => unknown)(r);
            into[s] = ops[s] === 'sum' && typeof a === 'number' && typeof b === 'number' ? a + b : mergeValue(ops[s] as MergeOp, a, b);
          }
        }
        return [];
      },
      async finish() {
        // Also for no rows: a partition's state is kept by pane in every batch, empty ones included.
        if (paneState && ctx.state) {
          ctx.state.paneRows = {
            rows: paneRowsOf(groups.values()),
            windows: (rows) => expandGroups(paneGroupsOf(rows), panes, ops, config),
            shape: { windowUs: config.windowUs, slideUs: config.slideUs, startUs: config.startUs, windowKey: config.windowKey },
          };
        }
        if (groups.size === 0) return [];
        const out = expandGroups(groups.values(), panes, ops, config);
        groups.clear();
        return out.numRows > 0 ? [out] : [];
      },
    };
  },
};

/**
 * The merged (pane, keys) partials as state rows keyed [pane, keys...] (the keys last: a store finds
 * a key's panes together), without event time.
 */
function paneRowsOf(groups: Iterable<PaneGroup>): StateRow[] {
  const rows: StateRow[] = [];
  // A pane's group text (`stateKeyOf`'s: the JSON of every value but the last) is written once per pane.
  const paneTexts = new Map<number, string>();
  for (const g of groups) {
    for (let p = 0; p < g.panes.length; p++) {
      const pane = g.panes[p] as number;
      let group = paneTexts.get(pane);
      if (group === undefined) paneTexts.set(pane, (group = JSON.stringify(pane)));
      // One key besides the pane, a string or an integer (PANE_KEY_KINDS): the member is the value itself.
      const key = g.others[0] ?? null;
      rows.push({ group, member: key === 0 ? 0 : key, eventTimeUs: null, buffers: g.buffers[p] as unknown[], keyValues: [pane, key] });
    }
  }
  return rows;
}

/** `paneRowsOf`'s rows (or ones read back) grouped by their keys again. */
function paneGroupsOf(rows: readonly StateRow[]): PaneGroup[] {
  const byKey = new Map<string, PaneGroup>();
  for (const r of rows) {
    const values = r.keyValues ?? stateKeyValues(r);
    const others = values.slice(1);
    const id = encodeKey(others);
    let g = byKey.get(id);
    if (!g) byKey.set(id, (g = { others, panes: [], buffers: [] }));
    g.panes.push(values[0] as number);
    g.buffers.push([...r.buffers]);
  }
  return [...byKey.values()];
}

/** Each key's panes handed to their windows, a key's rows together, latest window first. */
function expandGroups(groups: Iterable<PaneGroup>, panes: Panes, ops: readonly MergeOp[], config: PaneExpandConfig): RecordBatch {
  const { keyCount, windowKey } = config;
  const width = config.schema.fields.length;
  const out: unknown[][] = Array.from({ length: width }, () => []);
  const push = (g: PaneGroup, w: WindowValue, buffers: readonly unknown[], copy: boolean): void => {
    let k = 0;
    for (let c = 0; c < keyCount; c++) (out[c] as unknown[]).push(c === windowKey ? w : g.others[k++]);
    for (let c = keyCount; c < width; c++) {
      const v = buffers[c - keyCount];
      (out[c] as unknown[]).push(copy ? ownCopy(v) : v);
    }
  };
  for (const g of groups) {
    if (g.panes.length === 1) {
      const windows = panes.windowsOf(g.panes[0] as number);
      const buffers = g.buffers[0] as unknown[];
      for (let i = 0; i < windows.length; i++) push(g, windows[i] as WindowValue, buffers, i > 0);
      continue;
    }
    // Several panes of one key: a window's row is made by its first pane, later panes merge into it.
    const rowOf = new Map<number, number>();
    for (let p = 0; p < g.panes.length; p++) {
      const buffers = g.buffers[p] as unknown[];
      for (const w of panes.windowsOf(g.panes[p] as number)) {
        const row = rowOf.get(w[0]);
        if (row === undefined) {
          rowOf.set(w[0], (out[0] as unknown[]).length);
          push(g, w, buffers, true);
          continue;
        }
        for (let c = keyCount; c < width; c++) {
          const slot = out[c] as unknown[];
          slot[row] = mergeValue(ops[c - keyCount] as MergeOp, slot[row], ownCopy(buffers[c - keyCount]));
        }
      }
    }
  }
  return recordBatch(config.schema, (out[0] as unknown[]).length, out.map((v) => valuesVector(v)));
}
