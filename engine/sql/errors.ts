import { ParseError } from '../errors/errors.js';

/**
 * Spark's `ParseException.getMessage` forms, so clients print what Spark prints:
 * - positioned (syntax errors, and any error from `parseDataType`/`parseSchema`):
 *   `\n[CLASS] text SQLSTATE: s (line L, pos P)\n\n== SQL ==\n<lines>\n---^^^\n<lines>\n`;
 * - with a query context (errors about a fragment of a statement, e.g. a literal out of range):
 *   `\n[CLASS] text SQLSTATE: s\n== SQL (line L, position P+1) ==\n<line>\n   ^^^^\n`;
 * - unpositioned (unclosed comment): `\n[CLASS] text SQLSTATE: s\n== SQL ==\n<command>`.
 */

/** Line (1-based) and column (0-based, in code points) of an offset, as ANTLR counts them. */
export function lineAndColumn(command: string, offset: number): { line: number; column: number } {
  const before = command.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  return { line, column: Array.from(before.slice(lineStart)).length };
}

/** Java's `String.split("\n")`: trailing empty strings are dropped, but `""` stays `[""]`. */
function javaSplitLines(s: string): string[] {
  if (s === '') return [''];
  const parts = s.split('\n');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

type MessageParams = Readonly<Record<string, string>>;

/** A ParseError of `errorClass` whose rendered text `frame` places in Spark's ParseException form. */
function framedParseError(errorClass: string, messageParameters: MessageParams, frame: (rendered: string) => string): ParseError {
  const err = new ParseError('', { errorClass, messageParameters });
  err.message = frame(err.message);
  return err;
}

/** An error at a position of the command, formatted like Spark's positioned ParseException. */
export function parseErrorAt(command: string, offset: number, errorClass: string, messageParameters: MessageParams = {}): ParseError {
  return framedParseError(errorClass, messageParameters, (rendered) => {
    const { line, column } = lineAndColumn(command, offset);
    const lines = javaSplitLines(command);
    let text = `\n${rendered} (line ${line}, pos ${column})\n\n== SQL ==\n`;
    for (const l of lines.slice(0, line)) text += `${l}\n`;
    text += `${'-'.repeat(column)}^^^\n`;
    for (const l of lines.slice(line)) text += `${l}\n`;
    return text;
  });
}

/** An error about the fragment `[start, stop]` (inclusive) of the command, with Spark's SQL query context. */
export function parseErrorInContext(command: string, start: number, stop: number, errorClass: string, messageParameters: MessageParams = {}): ParseError {
  return framedParseError(errorClass, messageParameters, (rendered) => `\n${rendered}\n${queryContextSummary(command, start, stop)}`);
}

export function unclosedCommentError(command: string): ParseError {
  return framedParseError('UNCLOSED_BRACKETED_COMMENT', {}, (rendered) => `\n${rendered}\n== SQL ==\n${command}`);
}

const MAX_EXTRA_CONTEXT = 32;
const ELLIPSIS = '...';

/**
 * Spark's SQL query-context summary: the lines around the fragment, cut to 32 characters of
 * context on each side, with carets under the fragment.
 */
export function queryContextSummary(command: string, startIndex: number, stopIndex: number): string {
  const { line, column } = lineAndColumn(command, startIndex);
  let out = `== SQL (line ${line}, position ${column + 1}) ==\n`;
  const start = Math.max(startIndex, 0);
  const stop = Math.min(stopIndex, command.length - 1);
  let lineStart = start;
  while (lineStart >= 0 && start - lineStart <= MAX_EXTRA_CONTEXT && command[lineStart] !== '\n') lineStart--;
  const startCut = start - lineStart > MAX_EXTRA_CONTEXT;
  let current = startCut ? lineStart - ELLIPSIS.length : lineStart;
  let lineStop = stop;
  while (lineStop < command.length && lineStop - stop <= MAX_EXTRA_CONTEXT && command[lineStop] !== '\n') lineStop++;
  const stopCut = lineStop - stop > MAX_EXTRA_CONTEXT;
  const sub = (startCut ? ELLIPSIS : '') + command.slice(lineStart + 1, lineStop) + (stopCut ? ELLIPSIS : '');
  for (const lineText of javaSplitLines(sub)) {
    out += `${lineText}\n`;
    current++;
    for (let k = 0; k < lineText.length; k++) {
      if (current < start) out += ' ';
      else if (current <= stop) out += '^';
      current++;
    }
    out += '\n';
  }
  return out;
}
