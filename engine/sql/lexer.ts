import { unclosedCommentError } from './errors.js';

/**
 * Tokens of Spark's SQL dialect. `word` is an unquoted identifier or keyword (keywords are not
 * reserved: the parser decides by context); `quoted` a back-quoted identifier; `string` a quoted
 * literal (already unescaped in `value`); `unknown` a character no token starts with, which the
 * parser reports as a syntax error when it reaches it (as Spark's lexer does).
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op' | 'eof' | 'unknown';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  /** Unescaped value for `string` and `quoted` tokens; upper-cased text for `word`. */
  readonly value: string;
  /** Offset of the first character in the command, and one past the last. */
  readonly start: number;
  readonly end: number;
}

// Longest first, so `<=>` wins over `<=` and `<`.
const OPERATORS = [
  '<=>', '::', '||', '<=', '>=', '<>', '!=', '==', '->', '=>',
  '(', ')', '[', ']', ',', '.', ';', '*', '/', '%', '+', '-', '~', '&', '|', '^', '=', '<', '>', '!', ':', '?',
];

const WORD_CHAR = /[A-Za-z0-9_]/;
const NUMBER = /^(\d+\.\d*|\.\d+|\d+)(E[+-]?\d+)?(BD|[LSYDF])?/i;

export function tokenize(command: string): Token[] {
  const tokens: Token[] = [];
  const n = command.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = command.slice(start, end);
    tokens.push({ kind, text, value: value ?? (kind === 'word' ? text.toUpperCase() : text), start, end });
  };
  while (i < n) {
    const ch = command[i] as string;
    const next = command[i + 1];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && next === '-') {
      while (i < n && command[i] !== '\n') i++;
    } else if (ch === '/' && next === '*') {
      i = skipBracketedComment(command, i);
    } else if (ch === "'" || ch === '"') {
      const end = scanQuoted(command, i, ch, true);
      if (end < 0) push('unknown', i, i + 1);
      else push('string', i, end, unescapeSqlString(command.slice(i + 1, end - 1)));
      i = end < 0 ? i + 1 : end;
    } else if ((ch === 'r' || ch === 'R') && (next === "'" || next === '"') && !isWordBefore(command, i)) {
      const end = scanQuoted(command, i + 1, next, false);
      if (end < 0) {
        push('word', i, i + 1);
        i++;
      } else {
        push('string', i, end, command.slice(i + 2, end - 1));
        i = end;
      }
    } else if (ch === '`') {
      const end = scanBackQuoted(command, i);
      if (end < 0) push('unknown', i, i + 1);
      else push('quoted', i, end, command.slice(i + 1, end - 1).replace(/``/g, '`'));
      i = end < 0 ? i + 1 : end;
    } else if (/\d/.test(ch) || (ch === '.' && next !== undefined && /\d/.test(next) && !isWordBefore(command, i))) {
      i = lexNumberOrWord(command, i, push);
    } else if (WORD_CHAR.test(ch)) {
      let j = i + 1;
      while (j < n && WORD_CHAR.test(command[j] as string)) j++;
      push('word', i, j);
      i = j;
    } else {
      const op = OPERATORS.find((o) => command.startsWith(o, i));
      if (op) {
        push('op', i, i + op.length);
        i += op.length;
      } else {
        const cp = command.codePointAt(i) as number;
        const len = cp > 0xffff ? 2 : 1;
        push('unknown', i, i + len);
        i += len;
      }
    }
  }
  tokens.push({ kind: 'eof', text: '<EOF>', value: '', start: n, end: n });
  return tokens;
}

/** True when the character before `i` continues a word (so `a.5` is not a number and `tr'x'` is not raw). */
function isWordBefore(command: string, i: number): boolean {
  return i > 0 && WORD_CHAR.test(command[i - 1] as string);
}

function lexNumberOrWord(
  command: string,
  i: number,
  push: (kind: TokenKind, start: number, end: number) => void,
): number {
  const m = NUMBER.exec(command.slice(i));
  let len = m ? m[0].length : 0;
  // L, S and Y only qualify integers: `1.5L` is the decimal 1.5 followed by the word L.
  if (m && m[3] && /^[LSY]$/i.test(m[3]) && (m[1]?.includes('.') || m[2])) len -= m[3].length;
  const after = command[i + len];
  if (len > 0 && (after === undefined || !WORD_CHAR.test(after))) {
    push('number', i, i + len);
    return i + len;
  }
  if (m && !m[0].includes('.')) {
    // Spark lexes `1a`, `10days` and `1e` as identifiers.
    let j = i;
    while (j < command.length && WORD_CHAR.test(command[j] as string)) j++;
    push('word', i, j);
    return j;
  }
  push('number', i, i + len);
  return i + len;
}

/** Index one past the closing quote, or -1 when the literal is not closed. */
function scanQuoted(command: string, start: number, quote: string, escapes: boolean): number {
  for (let i = start + 1; i < command.length; i++) {
    const c = command[i];
    if (escapes && c === '\\') i++;
    else if (c === quote) return i + 1;
  }
  return -1;
}

function scanBackQuoted(command: string, start: number): number {
  for (let i = start + 1; i < command.length; i++) {
    if (command[i] === '`') {
      if (command[i + 1] === '`') i++;
      else return i + 1;
    }
  }
  return -1;
}

/** Spark nests bracketed comments; an unclosed one is its own error class. */
function skipBracketedComment(command: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < command.length) {
    if (command.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (command.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  throw unclosedCommentError(command);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\u0000',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\u001a',
  '%': '\\%',
  _: '\\_',
};

/** Spark's string-literal unescaping: `\n`-style escapes, `\uXXXX`, `\UXXXXXXXX`, octal `\ddd`; `\%` and `\_` keep their backslash for LIKE. */
export function unescapeSqlString(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[i + 1] as string;
    const hex4 = body.slice(i + 2, i + 6);
    const hex8 = body.slice(i + 2, i + 10);
    const oct = body.slice(i + 1, i + 4);
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(hex4)) {
      out += String.fromCharCode(parseInt(hex4, 16));
      i += 5;
    } else if (e === 'U' && /^[0-9a-fA-F]{8}$/.test(hex8) && parseInt(hex8, 16) <= 0x10ffff) {
      out += String.fromCodePoint(parseInt(hex8, 16));
      i += 9;
    } else if (/^[0-3][0-7][0-7]$/.test(oct)) {
      out += String.fromCharCode(parseInt(oct, 8));
      i += 3;
    } else {
      out += SIMPLE_ESCAPES[e] ?? e;
      i += 1;
    }
  }
  return out;
}
