import { NotSupportedError } from '../errors/errors.js';
import type { AstExpr, Query, Relation } from './ast.js';
import { ExprParser } from './expr-parser.js';
import { JOIN_WORDS, TABLE_ALIAS_STOP } from './keywords.js';

/** Words that continue an expression after `)` (so `(a) OR (b)` is one expression, not a row). */
const INFIX_WORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'IS', 'IN', 'NOT', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP', 'BETWEEN', 'DIV']);

/**
 * The FROM clause's grammar: tables, subqueries, table functions, inline tables (`VALUES`) with
 * their aliases, and the joins between them. A subquery is a whole query: `query()` is the
 * query grammar's (parser.ts).
 */
export abstract class RelationParser extends ExprParser {
  protected abstract query(): Query;

  /** `a [, b | [INNER|CROSS|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]|[LEFT] SEMI|[LEFT] ANTI] JOIN b [ON c | USING (k)]]...`. */
  protected fromClause(): Relation {
    const ts = this.ts;
    let relation = this.relation();
    for (;;) {
      if (ts.acceptOp(',')) {
        relation = { kind: 'join', left: relation, right: this.relation(), joinType: 'CROSS' };
        continue;
      }
      const natural = ts.acceptWord('NATURAL');
      const joinType = this.joinType();
      if (joinType === undefined) {
        if (natural) ts.fail();
        break;
      }
      const right = this.relation();
      if (natural) {
        if (joinType === 'CROSS') throw new NotSupportedError('NATURAL CROSS JOIN is not supported by Kindling.');
        relation = { kind: 'join', left: relation, right, joinType, natural: true };
      } else if (ts.acceptWord('ON')) {
        relation = { kind: 'join', left: relation, right, joinType, on: this.expression() };
      } else if (ts.acceptWord('USING')) {
        relation = { kind: 'join', left: relation, right, joinType, using: this.nameList() };
      } else {
        relation = { kind: 'join', left: relation, right, joinType: joinType === 'INNER' ? 'CROSS' : joinType };
      }
    }
    if (ts.isAnyWord(JOIN_WORDS)) throw new NotSupportedError(`${ts.peek().value} in FROM is not supported by Kindling.`);
    return relation;
  }

  private joinType(): 'INNER' | 'CROSS' | 'LEFT' | 'RIGHT' | 'FULL' | 'SEMI' | 'ANTI' | undefined {
    const ts = this.ts;
    const at = ts.position;
    if (ts.acceptWord('JOIN')) return 'INNER';
    if (ts.isWord('LATERAL')) throw new NotSupportedError(`${ts.peek().value} JOIN is not supported by Kindling.`);
    let type: 'INNER' | 'CROSS' | 'LEFT' | 'RIGHT' | 'FULL' | 'SEMI' | 'ANTI' | undefined;
    if (ts.acceptWord('INNER')) type = 'INNER';
    else if (ts.acceptWord('CROSS')) type = 'CROSS';
    else if (ts.acceptWord('LEFT')) {
      type = ts.acceptWord('SEMI') ? 'SEMI' : ts.acceptWord('ANTI') ? 'ANTI' : 'LEFT';
      if (type === 'LEFT') ts.acceptWord('OUTER');
    } else if (ts.acceptWord('RIGHT')) {
      type = 'RIGHT';
      ts.acceptWord('OUTER');
    } else if (ts.acceptWord('FULL')) {
      type = 'FULL';
      ts.acceptWord('OUTER');
    } else if (ts.acceptWord('SEMI')) type = 'SEMI';
    else if (ts.acceptWord('ANTI')) type = 'ANTI';
    if (type === undefined) return undefined;
    if (!ts.acceptWord('JOIN')) {
      ts.reset(at);
      return undefined;
    }
    return type;
  }

  protected relation(): Relation {
    const ts = this.ts;
    let relation: Relation;
    if (this.startsInlineTable()) {
      ts.next();
      const rows: AstExpr[][] = [];
      do rows.push(this.inlineRow());
      while (ts.acceptOp(','));
      relation = { kind: 'values', rows };
    } else if (ts.isOp('(')) {
      if (!this.startsQuery(1)) ts.fail(ts.peek(1));
      ts.next();
      const query = this.query();
      ts.expectOp(')');
      relation = { kind: 'subquery', query };
    } else {
      const name = [this.name()];
      while (ts.isOp('.') && (ts.peek(1).kind === 'word' || ts.peek(1).kind === 'quoted')) {
        ts.next();
        name.push(this.name());
      }
      if (ts.isOp('(') && name.length === 1) {
        ts.next();
        const args: AstExpr[] = [];
        if (!ts.isOp(')')) {
          do args.push(this.expression());
          while (ts.acceptOp(','));
        }
        ts.expectOp(')');
        relation = { kind: 'tableFunction', name: (name[0] as string).toLowerCase(), args };
      } else {
        relation = { kind: 'table', name };
      }
    }
    const alias = this.relationAlias();
    if (alias === undefined) return relation;
    const columns = ts.isOp('(') ? this.nameList() : undefined;
    return columns === undefined ? { ...relation, alias } : { ...relation, alias, columns };
  }

  private relationAlias(): string | undefined {
    const ts = this.ts;
    if (ts.acceptWord('AS')) return this.name();
    const t = ts.peek();
    if (t.kind === 'quoted' || (t.kind === 'word' && !TABLE_ALIAS_STOP.has(t.value))) return this.name();
    return undefined;
  }

  /**
   * One row of an inline table: `(a, b)` is a row of two columns, anything else one expression
   * (also `(a + 1) * 2`, which only looks like a row at first).
   */
  private inlineRow(): AstExpr[] {
    const ts = this.ts;
    if (ts.isOp('(')) {
      const start = ts.position;
      ts.next();
      const row = [this.expression()];
      while (ts.acceptOp(',')) row.push(this.expression());
      if (ts.acceptOp(')') && this.endsInlineRow()) return row;
      ts.reset(start);
    }
    return [this.expression()];
  }

  private endsInlineRow(): boolean {
    const ts = this.ts;
    const t = ts.peek();
    if (t.kind === 'word') return !INFIX_WORDS.has(t.value);
    return t.kind === 'eof' || t.kind === 'quoted' || ts.isOp(',') || ts.isOp(')') || ts.isOp(';');
  }
}
