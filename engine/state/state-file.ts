import { memberText, stateKeyFromText, WHOLE_KEY, type StateKey } from './state-key.js';
import type { StateBatchResult, StateRow } from './state-store.js';

/** A batch's recorded result as files keep it (rows without their decoded key values). */
export type RecordedResult = Omit<StateBatchResult, 'replayed'>;

/** What a delta or snapshot file holds: the rows written (upserts, or every row), removals, the result. */
export interface StateFileContent {
  readonly batchId: number;
  /** Upserts of a delta, every row of a snapshot. */
  readonly rows: readonly StateRow[];
  readonly removed: readonly StateKey[];
  /** When `result.rows` is `rows` itself (the same array), the file holds them once. */
  readonly result: RecordedResult | undefined;
}

/**
 * The first line of a state file in the grouped row-line format (version 2). Files of version 1
 * (`kindling-state-rows 1`: one line per row with its whole key text) and files without a first
 * line of this kind (the earlier JSON documents, `{batchId, upserts|rows, removed?, result}`) are
 * still read, so a checkpoint written before either change restarts.
 */
const MAGIC = 'kindling-state-rows 2';
const MAGIC_V1 = 'kindling-state-rows 1';

/**
 * Writes a state file: a header line of JSON (batch id, the result without its rows, and how many
 * rows each section holds), then the rows, the removed keys and the result's rows (unless they are
 * the rows: `result.rowsAreRows`). In each section rows come by group (`StateKey.group`): a line
 * `@<group>` starts a group, then one line per row of it, `member TAB eventTime TAB buffers`
 * (`member` is the last grouping value's JSON text, empty for a `WHOLE_KEY` row, whose key is the
 * group; `eventTime` is empty for null and `=` when it is the previous row's), or for a removal the
 * member alone. Group and member texts are JSON, which never holds a raw tab or newline, and a
 * member's text never starts with `@`, so lines split unambiguously. A windowed aggregation writes
 * every (window, key) it touched each batch: the window's text is written once per batch, not once
 * per row.
 */
export function formatStateFile(content: StateFileContent): string {
  const resultRows = content.result?.rows;
  const rowsAreRows = resultRows !== undefined && resultRows === content.rows;
  const header = {
    batchId: content.batchId,
    rowCount: content.rows.length,
    removedCount: content.removed.length,
    result: content.result && { ...content.result, rows: undefined, rowCount: rowsAreRows ? 0 : content.result.rows.length, rowsAreRows },
  };
  // The header holds counts only (finite numbers): plain JSON.
  const out: string[] = [MAGIC, JSON.stringify(header)];
  writeSection(out, content.rows, rowLine);
  writeSection(out, content.removed, memberField);
  if (resultRows && !rowsAreRows) writeSection(out, resultRows, rowLine);
  return `${out.join('\n')}\n`;
}

/** Reads a state file of any format; `rows` are the upserts of a delta or the rows of a snapshot. */
export function parseStateFile(text: string): StateFileContent {
  if (text.startsWith(`${MAGIC}\n`)) return parseV2(text);
  if (text.startsWith(`${MAGIC_V1}\n`)) return parseV1(text);
  return parseJsonStateFile(text);
}

/** Writes `items` group by group (first-seen group order; within a group, in their order). */
function writeSection<T extends StateKey>(out: string[], items: readonly T[], line: (item: T, previous: T | undefined) => string): void {
  if (items.length === 0) return;
  const byGroup = new Map<string, T[]>();
  let lastGroup: string | undefined;
  let list: T[] = [];
  for (const item of items) {
    if (item.group !== lastGroup) {
      lastGroup = item.group;
      let l = byGroup.get(lastGroup);
      if (!l) byGroup.set(lastGroup, (l = []));
      list = l;
    }
    list.push(item);
  }
  for (const [group, members] of byGroup) {
    out.push(`@${group}`);
    let previous: T | undefined;
    for (const item of members) {
      out.push(line(item, previous));
      previous = item;
    }
  }
}

function memberField(key: StateKey): string {
  return key.member === WHOLE_KEY ? '' : memberText(key.member);
}

function rowLine(r: StateRow, previous: StateRow | undefined): string {
  const t = r.eventTimeUs;
  const time = previous !== undefined && previous.eventTimeUs === t ? '=' : t === null ? '' : String(t);
  return `${memberField(r)}\t${time}\t${buffersText(r.buffers)}`;
}

function parseV2(text: string): StateFileContent {
  const lines = text.split('\n');
  const header = JSON.parse(lines[1] ?? '') as {
    batchId: number;
    rowCount: number;
    removedCount: number;
    result?: RecordedResult & { rowCount: number; rowsAreRows: boolean };
  };
  let at = 2;
  let group = '';
  /** The next line that is not a group line (setting `group` on the way). */
  const next = (): string => {
    for (;;) {
      const line = lines[at++] ?? '';
      if (line.charCodeAt(0) !== 64) return line;
      group = line.slice(1);
    }
  };
  let time: number | null = null;
  const takeRows = (n: number): StateRow[] => {
    const rows = new Array<StateRow>(n);
    for (let i = 0; i < n; i++) {
      const line = next();
      const a = line.indexOf('\t');
      const b = line.indexOf('\t', a + 1);
      const t = line.slice(a + 1, b);
      if (t !== '=') time = t === '' ? null : Number(t);
      rows[i] = { group, member: parseMember(line.slice(0, a)), eventTimeUs: time, buffers: parseWithSpecials(line.slice(b + 1)) as unknown[] };
    }
    return rows;
  };
  const rows = takeRows(header.rowCount);
  const removed = new Array<StateKey>(header.removedCount);
  for (let i = 0; i < header.removedCount; i++) {
    const member = parseMember(next());
    removed[i] = { group, member };
  }
  let result: RecordedResult | undefined;
  if (header.result) {
    const { rowCount, rowsAreRows, ...rest } = header.result;
    result = { ...rest, rows: rowsAreRows ? rows : takeRows(rowCount) };
  }
  return { batchId: header.batchId, rows, removed, result };
}

function parseMember(field: string): unknown {
  if (field === '') return WHOLE_KEY;
  switch (field.charCodeAt(0)) {
    case 34: // '"'
      return JSON.parse(field);
    case 110: // 'n'
      return null;
    case 116: // 't'
      return true;
    case 102: // 'f'
      return false;
    default:
      return Number(field);
  }
}

/** Version 1: `key TAB eventTime TAB buffers` per row, with the key's whole text; removals as key texts. */
function parseV1(text: string): StateFileContent {
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
    for (let i = 0; i < n; i++) rows[i] = parseV1Row(lines[at++] ?? '');
    return rows;
  };
  const rows = take(header.rowCount);
  const removed = lines.slice(at, (at += header.removedCount)).map(stateKeyFromText);
  let result: RecordedResult | undefined;
  if (header.result) {
    const { rowCount, ...rest } = header.result;
    result = { ...rest, rows: take(rowCount) };
  }
  return { batchId: header.batchId, rows, removed, result };
}

function parseV1Row(line: string): StateRow {
  const a = line.indexOf('\t');
  const b = line.indexOf('\t', a + 1);
  const time = line.slice(a + 1, b);
  return { ...stateKeyFromText(line.slice(0, a)), eventTimeUs: time === '' ? null : Number(time), buffers: parseWithSpecials(line.slice(b + 1)) as unknown[] };
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

/** The earliest format: one JSON document per file, rows with their key texts. */
function parseJsonStateFile(text: string): StateFileContent {
  const doc = parseWithSpecials(text) as {
    batchId: number;
    upserts?: JsonRow[];
    rows?: JsonRow[];
    removed?: string[];
    result?: Omit<RecordedResult, 'rows'> & { rows: JsonRow[] };
  };
  const fromJson = (r: JsonRow): StateRow => ({ ...stateKeyFromText(r.key), eventTimeUs: r.eventTimeUs, buffers: r.buffers });
  return {
    batchId: doc.batchId,
    rows: (doc.upserts ?? doc.rows ?? []).map(fromJson),
    removed: (doc.removed ?? []).map(stateKeyFromText),
    result: doc.result && { ...doc.result, rows: doc.result.rows.map(fromJson) },
  };
}

interface JsonRow {
  readonly key: string;
  readonly eventTimeUs: number | null;
  readonly buffers: unknown[];
}
