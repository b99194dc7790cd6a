import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import type { AstExpr, CommonTableExpr, NamedExpression, Query, QueryTerm, SelectItem, SelectSpec } from './ast.js';
import { tooComplex } from './expr-parser.js';
import { RelationParser } from './relation-parser.js';
import { OTHER_STATEMENTS, SELECT_ALIAS_STOP, TABLE_ALIAS_STOP } from './keywords.js';
import { TokenStream } from './token-stream.js';

/** A syntax tree and the text offsets of its `?` parameters (for Spark's unbound-parameter names). */
export interface Parsed<N> {
  readonly ast: N;
  readonly positionalOffsets: readonly number[];
}

/** Parses one query statement (optionally followed by `;`) into its syntax tree. */
export function parseQueryAst(text: string): Query {
  return parseQuery(text).ast;
}

export function parseQuery(text: string): Parsed<Query> {
  return withinStack(() => {
    const parser = new QueryParser(new TokenStream(text, true));
    return { ast: parser.statement(), positionalOffsets: parser.positionalOffsets };
  });
}

/** Runs a parse, turning a stack overflow (long `NOT NOT ...` or `- - ...` chains) into Spark's error. */
export function withinStack<R>(parse: () => R): R {
  try {
    return parse();
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw tooComplex();
    throw e;
  }
}

/** Parses one expression with optional aliases (`a + 1 AS b`) into its syntax tree. */
export function parseExpressionAst(text: string): NamedExpression {
  return parseNamedExpression(text).ast;
}

export function parseNamedExpression(text: string): Parsed<NamedExpression> {
  return withinStack(() => {
    const ts = new TokenStream(text, true);
    const parser = new QueryParser(ts);
    const named = parser.namedExpression(SELECT_ALIAS_STOP);
    if (!ts.atEnd()) ts.failExtraInput();
    return { ast: named, positionalOffsets: parser.positionalOffsets };
  });
}

/** The query grammar: `[WITH ...] select [UNION [ALL] select]... [ORDER BY ...] [LIMIT n] [OFFSET n]`. */
class QueryParser extends RelationParser {
  statement(): Query {
    const ts = this.ts;
    const first = ts.peek();
    if (first.kind === 'word' && OTHER_STATEMENTS.has(first.value) && !this.startsQuery()) {
      throw new NotSupportedError(`${first.value} statements are not supported by Kindling; spark.sql runs queries (SELECT ...).`);
    }
    const query = this.query();
    while (ts.acceptOp(';'));
    if (!ts.atEnd()) ts.failExtraInput();
    return query;
  }

  protected query(): Query {
    const ts = this.ts;
    const ctes: CommonTableExpr[] = [];
    if (ts.acceptWord('WITH')) {
      if (ts.isWord('RECURSIVE')) throw new NotSupportedError('WITH RECURSIVE is not supported by Kindling.');
      do ctes.push(this.commonTableExpr());
      while (ts.acceptOp(','));
    }
    const body = this.queryTerm();
    const orderBy = this.byClause(['ORDER'], () => this.orderItem());
    let limit: AstExpr | undefined;
    if (ts.acceptWord('LIMIT') && !ts.acceptWord('ALL')) limit = this.expression();
    const offset = ts.acceptWord('OFFSET') ? this.expression() : undefined;
    return {
      kind: 'query',
      with: ctes,
      body,
      orderBy,
      ...(limit ? { limit } : {}),
      ...(offset ? { offset } : {}),
    };
  }

  private commonTableExpr(): CommonTableExpr {
    const ts = this.ts;
    const name = this.name();
    const columns = ts.isOp('(') ? this.nameList() : [];
    ts.acceptWord('AS');
    ts.expectOp('(');
    const query = this.query();
    ts.expectOp(')');
    return { name, columns, query };
  }

  private queryTerm(): QueryTerm {
    const ts = this.ts;
    let left = this.queryPrimary();
    for (;;) {
      if (ts.isWord('INTERSECT') || ts.isWord('EXCEPT') || ts.isWord('MINUS')) {
        throw new NotSupportedError(`${ts.peek().value} is not supported by Kindling; only UNION is.`);
      }
      if (!ts.acceptWord('UNION')) return left;
      const all = ts.acceptWord('ALL');
      if (!all) ts.acceptWord('DISTINCT');
      left = { kind: 'setOp', op: 'UNION', all, left, right: this.queryPrimary() };
    }
  }

  private queryPrimary(): QueryTerm {
    const ts = this.ts;
    if (ts.isOp('(') && this.startsQuery(1)) {
      ts.next();
      const query = this.query();
      ts.expectOp(')');
      return { kind: 'nested', query };
    }
    if (this.startsInlineTable()) {
      // A bare `VALUES ...` query is `SELECT * FROM VALUES ...`.
      const star: SelectItem = { expr: { kind: 'star', target: [] }, aliases: [] };
      return { kind: 'select', distinct: false, items: [star], from: this.relation(), groupBy: [] };
    }
    if (!ts.isWord('SELECT')) ts.fail();
    return this.selectSpec();
  }

  private selectSpec(): SelectSpec {
    const ts = this.ts;
    ts.expectWord('SELECT');
    const distinct = ts.acceptWord('DISTINCT');
    if (!distinct) ts.acceptWord('ALL');
    const items: SelectItem[] = [];
    for (;;) {
      const { expr, aliases } = this.namedExpression(SELECT_ALIAS_STOP);
      items.push({ expr, aliases });
      if (!ts.acceptOp(',')) break;
      const after = ts.peek(1);
      if (ts.isWord('FROM') && (after.kind === 'word' || after.kind === 'quoted' || (after.kind === 'op' && after.text === '('))) {
        throw AnalysisError.withClass('TRAILING_COMMA_IN_SELECT');
      }
    }
    const from = ts.acceptWord('FROM') ? this.fromClause() : undefined;
    const where = ts.acceptWord('WHERE') ? this.expression() : undefined;
    let groupBy: AstExpr[] = [];
    let groupingAnalytics: SelectSpec['groupingAnalytics'];
    if (ts.isWord('GROUP') && ts.isWord('BY', 1)) {
      ts.next();
      ts.next();
      groupingAnalytics = this.groupingAnalytics();
      if (groupingAnalytics) {
        groupBy = distinctExprs(groupingAnalytics.sets.flat());
      } else {
        do groupBy.push(this.groupingExpression());
        while (ts.acceptOp(','));
        const withKind = ts.isWord('WITH') && (ts.isWord('ROLLUP', 1) || ts.isWord('CUBE', 1)) ? ts.peek(1).value : undefined;
        if (withKind) {
          ts.next();
          ts.next();
          groupingAnalytics = { kind: withKind === 'ROLLUP' ? 'rollup' : 'cube', sets: [groupBy] };
        }
      }
    }
    const having = ts.acceptWord('HAVING') ? this.expression() : undefined;
    const windows = this.windowClause();
    return {
      kind: 'select',
      distinct,
      items: items.map((i) => ({ ...i, expr: namedWindows(i.expr, windows) })),
      ...(from ? { from } : {}),
      ...(where ? { where } : {}),
      groupBy,
      ...(groupingAnalytics ? { groupingAnalytics } : {}),
      ...(having ? { having: namedWindows(having, windows) } : {}),
    };
  }

  /** `WINDOW w AS (PARTITION BY ...), v AS (...)`: the named window specifications of a SELECT. */
  private windowClause(): Map<string, ReturnType<QueryParser['windowSpec']>> {
    const ts = this.ts;
    const windows = new Map<string, ReturnType<QueryParser['windowSpec']>>();
    if (!ts.acceptWord('WINDOW')) return windows;
    do {
      const name = this.name().toLowerCase();
      ts.expectWord('AS');
      if (!ts.isOp('(')) throw new NotSupportedError('A window defined as another named window is not supported by Kindling; repeat its specification.');
      windows.set(name, this.windowSpec());
    } while (ts.acceptOp(','));
    return windows;
  }

  /**
   * `ROLLUP(a, b)`, `CUBE(a, b)`, `GROUPING SETS ((a, b), a, ())` as the whole GROUP BY; for
   * ROLLUP/CUBE `sets` holds the one column list they expand.
   */
  private groupingAnalytics(): SelectSpec['groupingAnalytics'] {
    const ts = this.ts;
    const t = ts.peek();
    if (t.kind !== 'word') return undefined;
    let result: SelectSpec['groupingAnalytics'];
    if ((t.value === 'ROLLUP' || t.value === 'CUBE') && ts.isOp('(', 1)) {
      ts.next();
      result = { kind: t.value === 'ROLLUP' ? 'rollup' : 'cube', sets: [this.parenthesizedExprs()] };
    } else if (t.value === 'GROUPING' && ts.isWord('SETS', 1)) {
      ts.next();
      ts.next();
      ts.expectOp('(');
      const sets: AstExpr[][] = [];
      do sets.push(ts.isOp('(') ? this.parenthesizedExprs() : [this.expression()]);
      while (ts.acceptOp(','));
      ts.expectOp(')');
      result = { kind: 'groupingSets', sets };
    } else {
      return undefined;
    }
    if (ts.isOp(',')) throw new NotSupportedError(`GROUP BY mixing ${result.kind} with other grouping items is not supported by Kindling.`);
    return result;
  }

  /** `(e, ...)` or `()`. */
  private parenthesizedExprs(): AstExpr[] {
    const ts = this.ts;
    ts.expectOp('(');
    const out: AstExpr[] = [];
    if (!ts.acceptOp(')')) {
      do out.push(this.expression());
      while (ts.acceptOp(','));
      ts.expectOp(')');
    }
    return out;
  }

  private groupingExpression(): AstExpr {
    const ts = this.ts;
    const t = ts.peek();
    const unsupported =
      ((t.value === 'ROLLUP' || t.value === 'CUBE') && ts.isOp('(', 1)) ||
      (t.value === 'GROUPING' && ts.isWord('SETS', 1)) ||
      (t.value === 'ALL' && (ts.peek(1).kind === 'eof' || ts.isAnyWord(TABLE_ALIAS_STOP, 1) || ts.isOp(';', 1) || ts.isOp(')', 1)));
    if (t.kind === 'word' && unsupported) throw new NotSupportedError(`GROUP BY mixing ${t.value} with other grouping items is not supported by Kindling.`);
    return this.expression();
  }
}

/** `exprs` without repeats, first occurrence kept: the grouping columns of a set of grouping sets. */
function distinctExprs(exprs: readonly AstExpr[]): AstExpr[] {
  const seen = new Set<string>();
  return exprs.filter((e) => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `e` with every `OVER w` replaced by the specification the WINDOW clause gives `w`. */
function namedWindows(e: AstExpr, windows: ReadonlyMap<string, Pick<Extract<AstExpr, { kind: 'over' }>, 'partitionBy' | 'orderBy' | 'frame'>>): AstExpr {
  const text = JSON.stringify(e);
  if (!text.includes('"windowName"')) return e;
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || !('windowName' in value)) return value;
    const over = value as Extract<AstExpr, { kind: 'over' }>;
    const spec = windows.get((over.windowName ?? '').toLowerCase());
    if (!spec) throw AnalysisError.withClass('MISSING_WINDOW_SPECIFICATION', { windowName: over.windowName ?? '', docroot: 'https://spark.apache.org/docs/latest' });
    return { kind: 'over', fn: over.fn, ...spec };
  }) as AstExpr;
}
