import type { StateBatchResult, StateRow } from './state-store.js';

/** A batch's recorded result as files keep it (rows without their decoded key values). */
export type RecordedResult = Omit<StateBatchResult, 'replayed'>;

/** What a delta or snapshot file holds: the rows written (upserts, or every row), removals, the result. */
export interface StateFileContent {
  readonly batchId: number;
  readonly rows: readonly StateRow[];
  readonly removed: readonly string[];
  readonly result: RecordedResult | undefined;
}

/**
 * The first line of a state file in the row-line format. Files without it are the earlier JSON
 * documents (`{batchId, upserts|rows, removed?, result}`), which `parseStateFile` still reads, so a
 * checkpoint written before the change restarts.
 */
const MAGIC = 'kindling-state-rows 1';

/**
 * Writes a state file: a header line of JSON (batch id, the result without its rows, and how
 * many lines of each section follow), then one line per row, `key TAB eventTime TAB buffers`, one
 * line per removed key, then the result's rows as row lines. A key is `encodeKey`'s JSON text, which never holds a raw tab or
 * newline (JSON escapes control characters), so lines split unambiguously. Rows are written as
 * text directly instead of through one `JSON.stringify` over row objects: a windowed aggregation
 * writes every (window, key) it touched each batch, and the generic walk (escaping each key text
 * again as a JSON string) was most of a reduce task's state cost.
 */
export function formatStateFile(content: StateFileContent): string {
  const header = {
    batchId: content.batchId,
    rowCount: content.rows.length,
    removedCount: content.removed.length,
    result: content.result && { ...content.result, rows: undefined, rowCount: content.result.rows.length },
  };
  // The header holds counts only (finite numbers): plain JSON.
  const out: string[] = [MAGIC, JSON.stringify(header)];
  for (const r of content.rows) out.push(rowLine(r));
  for (const k of content.removed) out.push(k);
  if (content.result) for (const r of content.result.rows) out.push(rowLine(r));
  return `${out.join('\n')}\n`;
}

/** Reads a state file of either format; `rows` are the upserts of a delta or the rows of a snapshot. */
export function parseStateFile(text: string): StateFileContent {
  if (!text.startsWith(`${MAGIC}\n`)) return parseJsonStateFile(text);
  const lines = text.split('\n');
  const header = JSON.parse(lines[1] ?? '') as {
    batchId: number;
    rowCount: number;
    removedCount: number;
    result?: RecordedResult & { rowCount: number };
  };
  let at = 2;
  const take = (n: number): StateRow[] => {
    const rows = new Array<StateRow>(n);
    for (let i = 0; i < n; i++) rows[i] = parseRowLine(lines[at++] ?? '');
    return rows;
  };
  const rows = take(header.rowCount);
  const removed = lines.slice(at, (at += header.removedCount));
  let result: RecordedResult | undefined;
  if (header.result) {
    const { rowCount, ...rest } = header.result;
    result = { ...rest, rows: take(rowCount) };
  }
  return { batchId: header.batchId, rows, removed, result };
}

function rowLine(r: StateRow): string {
  return `${r.key}\t${r.eventTimeUs === null ? '' : String(r.eventTimeUs)}\t${buffersText(r.buffers)}`;
}

function parseRowLine(line: string): StateRow {
  const a = line.indexOf('\t');
  const b = line.indexOf('\t', a + 1);
  const time = line.slice(a + 1, b);
  return { key: line.slice(0, a), eventTimeUs: time === '' ? null : Number(time), buffers: parseWithSpecials(line.slice(b + 1)) as unknown[] };
}

/** `JSON.stringify(buffers)` (with `$num` for non-finite numbers), written directly for finite numbers and nulls. */
function buffersText(buffers: readonly unknown[]): string {
  let text = '[';
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i];
    // Number's text is the same in JSON for finite values (-0 prints as 0 in both).
    if (typeof b === 'number' && Number.isFinite(b)) text += (i === 0 ? '' : ',') + String(b);
    else if (b === null || b === undefined) text += i === 0 ? 'null' : ',null';
    else return jsonWithSpecials(buffers);
  }
  return `${text}]`;
}

/** JSON has no Infinity/NaN (a double sum can overflow): such numbers are written as `{"$num": "Infinity"}`. */
function jsonWithSpecials(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v));
}

function parseWithSpecials(text: string): unknown {
  if (!text.includes('"$num"')) return JSON.parse(text);
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const n = (v as { $num?: unknown }).$num;
    return typeof n === 'string' && Object.keys(v).length === 1 ? Number(n) : v;
  });
}

/** The earlier format: one JSON document per file. */
function parseJsonStateFile(text: string): StateFileContent {
  const doc = parseWithSpecials(text) as {
    batchId: number;
    upserts?: StateRow[];
    rows?: StateRow[];
    removed?: string[];
    result?: RecordedResult;
  };
  return { batchId: doc.batchId, rows: doc.upserts ?? doc.rows ?? [], removed: doc.removed ?? [], result: doc.result };
}
