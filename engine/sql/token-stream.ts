import type { ParseError } from '../errors/errors.js';
import { parseErrorAt, parseErrorInContext } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/**
 * A cursor over the tokens of one command, with Spark-style error reporting. `inStatement` says
 * whether errors about a fragment carry a query context (statements and expressions) or a
 * position (standalone data types and schemas), as in Spark.
 */
export class TokenStream {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    readonly command: string,
    readonly inStatement: boolean,
  ) {
    this.tokens = tokenize(command);
  }

  peek(k = 0): Token {
    const i = Math.min(this.index + k, this.tokens.length - 1);
    return this.tokens[i] as Token;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  get position(): number {
    return this.index;
  }

  reset(position: number): void {
    this.index = position;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  /** An unquoted word equal (case-insensitively) to `word`. */
  isWord(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.value === word;
  }

  isAnyWord(words: ReadonlySet<string>, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && words.has(t.value);
  }

  isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === op;
  }

  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.index++;
    return true;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.index++;
    return true;
  }

  expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail();
    return this.next();
  }

  /** `missingHint` adds Spark's `: missing 'x'` hint, given where ANTLR would insert the token. */
  expectOp(op: string, missingHint = false): Token {
    if (!this.isOp(op)) this.fail(this.peek(), missingHint ? `: missing '${op}'` : '');
    return this.next();
  }

  /** Throws PARSE_SYNTAX_ERROR at a token (PARSE_EMPTY_STATEMENT for a blank command). */
  fail(token: Token = this.peek(), hint = ''): never {
    throw this.syntaxError(token, hint);
  }

  syntaxError(token: Token, hint = ''): ParseError {
    if (this.command.trim() === '') return parseErrorAt(this.command, token.start, 'PARSE_EMPTY_STATEMENT');
    return parseErrorAt(this.command, token.start, 'PARSE_SYNTAX_ERROR', { error: tokenDisplay(token), hint });
  }

  /** Fails at a leftover token; Spark hints `extra input` when it is the last one. */
  failExtraInput(): never {
    const t = this.peek();
    const last = this.peek(1).kind === 'eof';
    this.fail(t, last ? `: extra input ${tokenDisplay(t)}` : '');
  }

  /** An error about the tokens from `first` to `last`. */
  fragmentError(first: Token, last: Token, errorClass: string, params: Readonly<Record<string, string>>): ParseError {
    return this.inStatement
      ? parseErrorInContext(this.command, first.start, last.end - 1, errorClass, params)
      : parseErrorAt(this.command, first.start, errorClass, params);
  }

  /** The last consumed token. */
  previous(): Token {
    return this.tokens[Math.max(this.index - 1, 0)] as Token;
  }
}

/** ANTLR's token display: quoted text with control characters escaped; end of input spelled out. */
export function tokenDisplay(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  return `'${t.text.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}
