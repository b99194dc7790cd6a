/**
 * Spark's `Dataset.showString(numRows, truncate, vertical)`: the text `df.show()` prints and the
 * Spark Connect `ShowString` relation returns (Spark 4.x layout: the `only showing top N rows` and
 * `(0 rows)` trailers carry no final newline; `show()` adds one when it prints).
 */
import type { RecordBatch } from '../batch/record-batch.js';
import { valueAt } from '../batch/vector.js';
import { cellText } from './cell-text.js';

const MIN_COLUMN_WIDTH = 3;

// Characters a terminal draws two columns wide, as Spark's `Utils.stringHalfWidth` counts them.
const FULL_WIDTH = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]/g;
const ANY_FULL_WIDTH = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]/;

/** Display width: UTF-16 length plus one for every full-width character. */
export function stringHalfWidth(text: string): number {
  if (!ANY_FULL_WIDTH.test(text)) return text.length;
  return text.length + (text.match(FULL_WIDTH)?.length ?? 0);
}

const META: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\f': '\\f',
  '\b': '\\b',
  '\u000B': '\\v',
  '\u0007': '\\a',
};

/** Spark's `SchemaUtils.escapeMetaCharacters`, so that a cell cannot break the table. */
export function escapeMetaCharacters(text: string): string {
  return /[\n\r\t\f\b\u000B\u0007]/.test(text) ? text.replace(/[\n\r\t\f\b\u000B\u0007]/g, (c) => META[c] ?? c) : text;
}

function truncated(text: string, truncate: number): string {
  if (truncate <= 0 || text.length <= truncate) return text;
  return truncate < 4 ? text.slice(0, truncate) : `${text.slice(0, truncate - 3)}...`;
}

function padLeft(text: string, width: number): string {
  const w = stringHalfWidth(text);
  return w >= width ? text : ' '.repeat(width - w) + text;
}

function padRight(text: string, width: number, fill = ' '): string {
  const w = stringHalfWidth(text);
  return w >= width ? text : text + fill.repeat(width - w);
}

/**
 * The table text of the first `numRows` rows of `batch`; `truncate` > 0 cuts cells to that many
 * characters and right-aligns them, 0 leaves them whole and left-aligned. Pass at least
 * `numRows + 1` rows when available, so the `only showing top N rows` line can be decided.
 */
export function showString(
  batch: RecordBatch,
  numRows: number,
  truncate: number,
  vertical: boolean,
  timeZone: string,
): string {
  const limit = Math.max(0, Math.trunc(numRows));
  const shown = Math.min(limit, batch.numRows);
  const hasMoreData = batch.numRows > limit;
  const header = batch.schema.fields.map((f) => escapeMetaCharacters(f.name));
  const rows: string[][] = [];
  for (let r = 0; r < shown; r++) {
    rows.push(
      batch.schema.fields.map((f, c) =>
        truncated(escapeMetaCharacters(cellText(valueAt(batch.columns[c]!, r), f.type, timeZone)), truncate),
      ),
    );
  }
  let text = vertical ? verticalLayout(header, rows) : tableLayout(header, rows, truncate > 0);
  if (vertical && rows.length === 0) text += '(0 rows)';
  else if (hasMoreData) text += `only showing top ${limit} ${limit === 1 ? 'row' : 'rows'}`;
  return text;
}

function tableLayout(header: readonly string[], rows: readonly (readonly string[])[], alignRight: boolean): string {
  const widths = header.map((h) => Math.max(MIN_COLUMN_WIDTH, stringHalfWidth(h)));
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? MIN_COLUMN_WIDTH, stringHalfWidth(cell));
    });
  }
  const pad = alignRight ? padLeft : padRight;
  const line = (cells: readonly string[]): string => `|${cells.map((c, i) => pad(c, widths[i] ?? 0)).join('|')}|\n`;
  const sep = `+${widths.map((w) => '-'.repeat(w)).join('+')}+\n`;
  const out = [sep, line(header), sep];
  for (const row of rows) out.push(line(row));
  out.push(sep);
  return out.join('');
}

function verticalLayout(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const nameWidth = header.reduce((m, h) => Math.max(m, stringHalfWidth(h)), MIN_COLUMN_WIDTH);
  const dataWidth = rows.reduce((m, row) => row.reduce((n, c) => Math.max(n, stringHalfWidth(c)), m), MIN_COLUMN_WIDTH);
  const out: string[] = [];
  rows.forEach((row, i) => {
    out.push(`${padRight(`-RECORD ${i}`, nameWidth + dataWidth + 5, '-')}\n`);
    row.forEach((cell, j) => {
      out.push(` ${padRight(header[j] ?? '', nameWidth)} | ${padRight(cell, dataWidth)} \n`);
    });
  });
  return out.join('');
}
