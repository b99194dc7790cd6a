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
 * the rows: `rowsAreRows`). Rows are written without their whole key text:
 * - a line `@<group>` names the next group number (0, 1, ... in the order groups first appear);
 * - a row line is `member TAB group TAB eventTime TAB buffers`: `member` is the last grouping
 *   value's JSON text, `=` for the previous line's member, empty for a `WHOLE_KEY` row (whose key
 *   is the group); `group` the group's number; `eventTime` empty for null, `=` for the time the
 *   group's previous row had; a removal line is `member TAB group`.
 * Group and member texts are JSON, which never holds a raw tab or newline, and a member's text is
 * never `=` nor starts with `@`, so lines split unambiguously. Rows come member by member (a
 * word's windows together): a window's text is written once per file, a word's once per run of
 * its rows, and a window's time once.
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
  const w = new SectionWriter(out);
  w.rows(content.rows);
  w.removed(content.removed);
  if (resultRows && !rowsAreRows) w.rows(resultRows);
  return `${out.join('\n')}\n`;
}

/** Reads a state file of any format; `rows` are the upserts of a delta or the rows of a snapshot. */
export function parseStateFile(text: string): StateFileContent {
  if (text.startsWith(`${MAGIC}\n`)) return parseV2(text);
  if (text.startsWith(`${MAGIC_V1}\n`)) return parseV1(text);
  return parseJsonStateFile(text);
}

/** `SectionWriter.lastMember` before any row (no member is this symbol). */
const NO_MEMBER = Symbol('no member');

/** Numbers groups and remembers the previous member and each group's previous time, across a file's sections. */
class SectionWriter {
  private readonly groupIds = new Map<string, number>();
  private readonly times: (number | null | undefined)[] = [];
  private lastGroup: string | undefined;
  private lastId = 0;
  private lastMember: unknown = NO_MEMBER;

  constructor(private readonly out: string[]) {}

  rows(rows: readonly StateRow[]): void {
    const out = this.out;
    for (const r of rows) {
      const g = this.group(r.group);
      const t = r.eventTimeUs;
      const time = this.times[g] === t ? '=' : t === null ? '' : String(t);
      this.times[g] = t;
      out.push(`${this.member(r.member)}\t${g}\t${time}\t${buffersText(r.buffers)}`);
    }
  }

  removed(keys: readonly StateKey[]): void {
    for (const k of keys) {
      const g = this.group(k.group);
      this.out.push(`${this.member(k.member)}\t${g}`);
    }
  }

  private member(m: unknown): string {
    if (m === this.lastMember) return '=';
    this.lastMember = m;
    return m === WHOLE_KEY ? '' : memberText(m);
  }

  /** The group's number, writing its `@` line the first time. */
  private group(group: string): number {
    if (group === this.lastGroup) return this.lastId;
    let id = this.groupIds.get(group);
    if (id === undefined) {
      id = this.groupIds.size;
      this.groupIds.set(group, id);
      this.out.push(`@${group}`);
    }
    this.lastGroup = group;
    this.lastId = id;
    return id;
  }
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
  const groups: string[] = [];
  const times: (number | null)[] = [];
  let member: unknown = WHOLE_KEY;
  /** The next line that is not a group line (numbering groups on the way). */
  const next = (): string => {
    for (;;) {
      const line = lines[at++] ?? '';
      if (line.charCodeAt(0) !== 64) return line;
      groups.push(line.slice(1));
    }
  };
  const memberOf = (field: string): unknown => (field === '=' ? member : (member = parseMember(field)));
  const takeRows = (n: number): StateRow[] => {
    const rows = new Array<StateRow>(n);
    for (let i = 0; i < n; i++) {
      const line = next();
      const a = line.indexOf('\t');
      const b = line.indexOf('\t', a + 1);
      const c = line.indexOf('\t', b + 1);
      const g = Number(line.slice(a + 1, b));
      const t = line.slice(b + 1, c);
      const time = t === '=' ? (times[g] ?? null) : t === '' ? null : Number(t);
      times[g] = time;
      rows[i] = { group: groups[g] ?? '', member: memberOf(line.slice(0, a)), eventTimeUs: time, buffers: parseWithSpecials(line.slice(c + 1)) as unknown[] };
    }
    return rows;
  };
  const rows = takeRows(header.rowCount);
  const removed = new Array<StateKey>(header.removedCount);
  for (let i = 0; i < header.removedCount; i++) {
    const line = next();
    const a = line.indexOf('\t');
    removed[i] = { group: groups[Number(line.slice(a + 1))] ?? '', member: memberOf(line.slice(0, a)) };
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
