import { NotSupportedError, ParseError } from '../errors/errors.js';
import { parseDataTypeFrom } from './data-type-parser.js';
import type { AstExpr, BinaryOp, NamedExpression } from './ast.js';
import { numberLiteral } from './literals.js';
import { PrimaryParser } from './primary-parser.js';

/** Nested expressions (parentheses, function arguments, subscripts) a statement may hold. */
export const MAX_EXPRESSION_DEPTH = 128;

/** Spark's answer when its parser runs out of stack (SPARK-47741). */
export function tooComplex(): ParseError {
  return ParseError.withClass('FAILED_TO_PARSE_TOO_COMPLEX');
}

const COMPARISONS: ReadonlySet<string> = new Set(['=', '==', '<>', '!=', '<', '<=', '>', '>=', '<=>']);
const PREDICATE_WORDS: ReadonlySet<string> = new Set(['BETWEEN', 'IN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP']);

/**
 * Recursive descent over Spark's expression grammar, lowest precedence first:
 * OR; AND; NOT; comparisons and predicates (IS, IN, BETWEEN, LIKE); `|`; `^`; `&`; `+ - ||`;
 * `* / % DIV`; unary `- + ~`; postfix `[i]`, `.name`, `::type`; primaries.
 */
export class ExprParser extends PrimaryParser {
  private depth = 0;

  expression(): AstExpr {
    // Each level of nesting costs a few dozen stack frames; refuse before the stack runs out.
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw tooComplex();
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }

  /** An expression with optional aliases: `e`, `e AS a`, `e a`, `e AS (a, b)`. */
  namedExpression(aliasStop: ReadonlySet<string>): NamedExpression {
    const expr = this.expression();
    const ts = this.ts;
    let aliases: string[] = [];
    if (ts.acceptWord('AS')) {
      aliases = ts.isOp('(') ? this.nameList() : [this.name()];
    } else if (ts.peek().kind === 'quoted' || (ts.peek().kind === 'word' && !ts.isAnyWord(aliasStop))) {
      aliases = [this.name()];
    }
    return { kind: 'namedExpression', expr, aliases };
  }

  private binaryChain(next: () => AstExpr, ops: ReadonlySet<string>, words: ReadonlySet<string> = new Set()): AstExpr {
    let left = next();
    for (;;) {
      const t = this.ts.peek();
      const op =
        t.kind === 'op' && ops.has(t.text) ? t.text : t.kind === 'word' && words.has(t.value) ? t.value : undefined;
      if (op === undefined) return left;
      this.ts.next();
      left = { kind: 'binary', op: op as BinaryOp, left, right: next() };
    }
  }

  private or(): AstExpr {
    return this.binaryChain(() => this.and(), new Set(), new Set(['OR']));
  }

  private and(): AstExpr {
    return this.binaryChain(() => this.not(), new Set(), new Set(['AND']));
  }

  private not(): AstExpr {
    if (this.ts.acceptWord('NOT') || this.ts.acceptOp('!')) return { kind: 'unary', op: 'NOT', operand: this.nested(() => this.not()) };
    return this.predicate();
  }

  /** A recursive step that nests the tree one level deeper (`NOT NOT ...`, `- - ...`). */
  private nested(parse: () => AstExpr): AstExpr {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw tooComplex();
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private predicate(): AstExpr {
    const ts = this.ts;
    const operand = this.comparison();
    const isAt = ts.position;
    if (ts.acceptWord('IS')) {
      const negated = ts.acceptWord('NOT');
      if (ts.acceptWord('NULL') || ts.acceptWord('UNKNOWN')) return { kind: 'isNull', negated, operand };
      if (ts.isWord('TRUE') || ts.isWord('FALSE')) {
        return { kind: 'isBoolean', negated, value: ts.next().value === 'TRUE', operand };
      }
      if (ts.acceptWord('DISTINCT')) {
        ts.expectWord('FROM');
        return { kind: 'isDistinctFrom', negated, left: operand, right: this.comparison() };
      }
      // Like ANTLR, leave a dangling IS to be reported as the unexpected token.
      ts.reset(isAt);
      return operand;
    }
    const negated = ts.isWord('NOT') && ts.isAnyWord(PREDICATE_WORDS, 1);
    if (negated) ts.next();
    const keyword = ts.peek();
    if (keyword.kind !== 'word' || !PREDICATE_WORDS.has(keyword.value)) return operand;
    ts.next();
    switch (keyword.value) {
      case 'BETWEEN': {
        const low = this.comparison();
        ts.expectWord('AND');
        return { kind: 'between', negated, operand, low, high: this.comparison() };
      }
      case 'IN': {
        ts.expectOp('(');
        if (this.startsQuery()) throw new NotSupportedError('IN (subquery) is not supported by Kindling.');
        if (ts.isOp(')')) ts.fail(keyword);
        const list = [this.expression()];
        while (ts.acceptOp(',')) list.push(this.expression());
        ts.expectOp(')');
        return { kind: 'in', negated, operand, list };
      }
      default: {
        if (ts.isWord('ANY') || ts.isWord('SOME') || ts.isWord('ALL')) {
          throw new NotSupportedError(`${keyword.value} ${ts.peek().value} (...) is not supported by Kindling.`);
        }
        const op = keyword.value === 'REGEXP' ? 'RLIKE' : (keyword.value as 'LIKE' | 'ILIKE' | 'RLIKE');
        const pattern = this.comparison();
        if (op !== 'RLIKE' && ts.acceptWord('ESCAPE')) {
          const esc = ts.peek();
          if (esc.kind !== 'string') ts.fail();
          ts.next();
          return { kind: 'like', op, negated, operand, pattern, escape: esc.value };
        }
        return { kind: 'like', op, negated, operand, pattern };
      }
    }
  }

  private comparison(): AstExpr {
    return this.binaryChain(() => this.bitOr(), COMPARISONS);
  }

  private bitOr(): AstExpr {
    return this.binaryChain(() => this.bitXor(), new Set(['|']));
  }

  private bitXor(): AstExpr {
    return this.binaryChain(() => this.bitAnd(), new Set(['^']));
  }

  private bitAnd(): AstExpr {
    return this.binaryChain(() => this.additive(), new Set(['&']));
  }

  private additive(): AstExpr {
    return this.binaryChain(() => this.multiplicative(), new Set(['+', '-', '||']));
  }

  private multiplicative(): AstExpr {
    return this.binaryChain(() => this.unary(), new Set(['*', '/', '%']), new Set(['DIV']));
  }

  private unary(): AstExpr {
    const ts = this.ts;
    const t = ts.peek();
    if (t.kind === 'op' && t.text === '-' && ts.peek(1).kind === 'number') {
      // Spark's grammar reads `-1` as one literal, so `-2147483648` is an int.
      ts.next();
      return this.postfix(numberLiteral(ts, ts.next(), true, t));
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      ts.next();
      return { kind: 'unary', op: t.text, operand: this.nested(() => this.unary()) };
    }
    return this.postfix(this.primary());
  }

  private postfix(base: AstExpr): AstExpr {
    const ts = this.ts;
    let e = base;
    for (;;) {
      if (ts.acceptOp('[')) {
        const index = this.expression();
        ts.expectOp(']');
        e = { kind: 'subscript', operand: e, index };
      } else if (ts.isOp('.') && (ts.peek(1).kind === 'word' || ts.peek(1).kind === 'quoted')) {
        ts.next();
        const name = this.name();
        e = e.kind === 'identifier' ? { kind: 'identifier', parts: [...e.parts, name] } : { kind: 'field', operand: e, name };
      } else if (ts.isOp('.') && ts.isOp('*', 1) && e.kind === 'identifier') {
        ts.next();
        ts.next();
        return { kind: 'star', target: e.parts };
      } else if (ts.acceptOp('::')) {
        e = { kind: 'cast', operand: e, type: parseDataTypeFrom(ts), try: false };
      } else {
        return e;
      }
    }
  }
}
