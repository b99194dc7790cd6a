import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import { parseDataTypeFrom } from './data-type-parser.js';
import type { AstExpr, AstFrameBound, AstWindowFrame, OrderItem } from './ast.js';
import { NOT_A_COLUMN, intervalUnit, INTERVAL_UNITS } from './keywords.js';
import type { Token } from './lexer.js';
import { DEFAULT_SEARCH_PATH } from '../errors/error-classes.js';
import { rangeToUnitList } from './interval-literal.js';
import { numberLiteral } from './literals.js';
import type { TokenStream } from './token-stream.js';

const TYPED_LITERALS: Readonly<Record<string, 'date' | 'timestamp' | 'timestamp_ntz'>> = {
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  TIMESTAMP_LTZ: 'timestamp',
  TIMESTAMP_NTZ: 'timestamp_ntz',
};
/** Functions whose first argument is a datetime unit keyword (Spark's `datetimeUnit`). */
const UNIT_FUNCTIONS: ReadonlySet<string> = new Set(['timestampadd', 'dateadd', 'date_add']);
const DATETIME_UNITS: ReadonlySet<string> = new Set([
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'DAYOFYEAR',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
]);
/** Functions Spark lets you call without parentheses. */
const NILADIC = new Set(['CURRENT_DATE', 'CURRENT_TIMESTAMP']);

/**
 * The primaries of Spark's expression grammar: literals, column paths, `*`, parameters,
 * parenthesized expressions, function calls (with lambdas), CASE, CAST, INTERVAL and typed
 * literals. Operators are layered on top by `ExprParser`.
 */
export abstract class PrimaryParser {
  /** Offsets of the `?` parameters met so far, in order. */
  readonly positionalOffsets: number[] = [];

  constructor(protected readonly ts: TokenStream) {}

  abstract expression(): AstExpr;

  /** An identifier: a word (any keyword) or a back-quoted name. */
  protected name(): string {
    const t = this.ts.peek();
    if (t.kind === 'word') return this.ts.next().text;
    if (t.kind === 'quoted') return this.ts.next().value;
    return this.ts.fail();
  }

  protected nameList(): string[] {
    this.ts.expectOp('(');
    const names = [this.name()];
    while (this.ts.acceptOp(',')) names.push(this.name());
    this.ts.expectOp(')');
    return names;
  }

  protected primary(): AstExpr {
    const ts = this.ts;
    const t = ts.peek();
    switch (t.kind) {
      case 'number':
        ts.next();
        return numberLiteral(ts, t, false);
      case 'string': {
        // Adjacent string literals concatenate, as in Spark (`'it''s'` is `its`).
        let value = '';
        while (ts.peek().kind === 'string') value += ts.next().value;
        return { kind: 'literal', type: 'string', value };
      }
      case 'quoted':
        if (ts.isOp('(', 1)) return this.call();
        ts.next();
        return { kind: 'identifier', parts: [t.value] };
      case 'word':
        return this.wordPrimary(t);
      case 'op':
        return this.operatorPrimary(t);
      default:
        return ts.fail();
    }
  }

  private operatorPrimary(t: Token): AstExpr {
    const ts = this.ts;
    switch (t.text) {
      case '(': {
        ts.next();
        if (this.startsQuery()) throw new NotSupportedError('Scalar subqueries are not supported by Kindling.');
        const first = this.expression();
        if (ts.isOp(',')) {
          const args = [first];
          while (ts.acceptOp(',')) args.push(this.expression());
          ts.expectOp(')');
          return { kind: 'call', name: 'struct', args, distinct: false, star: false };
        }
        ts.expectOp(')');
        return first;
      }
      case '*':
        ts.next();
        return { kind: 'star', target: [] };
      case '?':
        ts.next();
        this.positionalOffsets.push(t.start);
        return { kind: 'positionalParameter', index: this.positionalOffsets.length - 1 };
      case ':': {
        const n = ts.peek(1);
        if (n.kind !== 'word' && n.kind !== 'quoted') return ts.fail();
        ts.next();
        return { kind: 'parameter', name: this.name() };
      }
      default:
        return ts.fail();
    }
  }

  private wordPrimary(t: Token): AstExpr {
    const ts = this.ts;
    const w = t.value;
    const next = ts.peek(1);
    if (w === 'NULL' || w === 'TRUE' || w === 'FALSE') {
      ts.next();
      return w === 'NULL' ? { kind: 'literal', type: 'null', value: null } : { kind: 'literal', type: 'boolean', value: w === 'TRUE' };
    }
    if (w === 'CASE') return this.caseExpr();
    if ((w === 'CAST' || w === 'TRY_CAST') && next.kind === 'op' && next.text === '(') return this.castExpr(w === 'TRY_CAST');
    if (w === 'INTERVAL' && (next.kind === 'string' || next.kind === 'number' || (next.kind === 'op' && next.text === '-'))) {
      return this.interval();
    }
    const typed = TYPED_LITERALS[w];
    if (typed && next.kind === 'string') {
      ts.next();
      return { kind: 'typedLiteral', type: typed, value: ts.next().value };
    }
    if (w === 'X' && next.kind === 'string' && next.start === t.end) return this.binaryLiteral();
    if (w === 'EXISTS' && next.kind === 'op' && next.text === '(' && this.startsQuery(2)) {
      throw new NotSupportedError('EXISTS (subquery) is not supported by Kindling.');
    }
    if (w === 'EXTRACT' && next.kind === 'op' && next.text === '(' && ts.isWord('FROM', 3)) return this.extract();
    if (next.kind === 'op' && next.text === '(') return this.call();
    if (NILADIC.has(w)) {
      ts.next();
      return { kind: 'call', name: w.toLowerCase(), args: [], distinct: false, star: false };
    }
    if (NOT_A_COLUMN.has(w)) return ts.fail();
    ts.next();
    return { kind: 'identifier', parts: [t.text] };
  }

  private caseExpr(): AstExpr {
    const ts = this.ts;
    ts.expectWord('CASE');
    const operand = ts.isWord('WHEN') ? undefined : this.expression();
    const branches: { when: AstExpr; then: AstExpr }[] = [];
    while (ts.acceptWord('WHEN')) {
      const when = this.expression();
      ts.expectWord('THEN');
      branches.push({ when, then: this.expression() });
    }
    if (branches.length === 0) ts.fail();
    const otherwise = ts.acceptWord('ELSE') ? this.expression() : undefined;
    ts.expectWord('END');
    return {
      kind: 'case',
      ...(operand ? { operand } : {}),
      branches,
      ...(otherwise ? { else: otherwise } : {}),
    };
  }

  private castExpr(isTry: boolean): AstExpr {
    const ts = this.ts;
    ts.next();
    ts.expectOp('(');
    const operand = this.expression();
    ts.expectWord('AS');
    const type = parseDataTypeFrom(ts);
    ts.expectOp(')', true);
    return { kind: 'cast', operand, type, try: isTry };
  }

  /** `INTERVAL '5 seconds'`, `INTERVAL 5 SECONDS`, `INTERVAL '1' HOUR 30 MINUTES` → normalized text. */
  private interval(): AstExpr {
    const ts = this.ts;
    ts.expectWord('INTERVAL');
    const first = ts.peek();
    if (first.kind === 'string' && !(ts.peek(1).kind === 'word' && intervalUnit(ts.peek(1).value))) {
      ts.next();
      return { kind: 'interval', text: first.value.trim() };
    }
    const parts: string[] = [];
    while (ts.peek().kind === 'string' || ts.peek().kind === 'number' || (ts.isOp('-') && ts.peek(1).kind === 'number')) {
      const sign = ts.acceptOp('-') ? '-' : '';
      const v = ts.next();
      const value = v.kind === 'string' ? v.value.trim() : v.text;
      const unitToken = ts.peek();
      const unit = unitToken.kind === 'word' ? intervalUnit(unitToken.value) : undefined;
      if (!unit) return ts.fail();
      ts.next();
      if (ts.acceptWord('TO')) {
        const endToken = ts.peek();
        const end = endToken.kind === 'word' ? intervalUnit(endToken.value) : undefined;
        const list = end === undefined || v.kind !== 'string' ? undefined : rangeToUnitList(`${sign}${value}`, unit, end);
        if (list === undefined) throw new NotSupportedError(`Interval literal ${v.text} ${unit} TO ${endToken.text} is not supported by Kindling.`);
        ts.next();
        parts.push(list);
        continue;
      }
      parts.push(`${sign}${value} ${INTERVAL_UNITS[unit] as string}`);
    }
    return { kind: 'interval', text: parts.join(' ') };
  }

  /** `EXTRACT(field FROM source)`: `extract('field', source)`, the field as written. */
  private extract(): AstExpr {
    const ts = this.ts;
    ts.next();
    ts.expectOp('(');
    const field = this.name();
    ts.expectWord('FROM');
    const source = this.expression();
    ts.expectOp(')');
    return { kind: 'call', name: 'extract', args: [{ kind: 'literal', type: 'string', value: field }, source], distinct: false, star: false };
  }

  private binaryLiteral(): AstExpr {
    const ts = this.ts;
    const x = ts.next();
    const s = ts.next();
    if (!/^[0-9a-fA-F]*$/.test(s.value)) {
      throw ts.fragmentError(x, s, 'INVALID_TYPED_LITERAL', { valueType: '"X"', value: `'${s.value}'` });
    }
    const hex = s.value.length % 2 === 1 ? `0${s.value}` : s.value;
    return { kind: 'binaryLiteral', hex: hex.toUpperCase() };
  }

  private call(): AstExpr {
    const ts = this.ts;
    const nameToken = ts.next();
    const name = (nameToken.kind === 'quoted' ? nameToken.value : nameToken.text).toLowerCase();
    ts.expectOp('(');
    const base = { kind: 'call' as const, name, distinct: false, star: false };
    let result: AstExpr;
    if (ts.acceptOp(')')) {
      result = { ...base, args: [] };
    } else if (ts.isOp('*') && ts.isOp(')', 1)) {
      ts.next();
      ts.next();
      result = { ...base, args: [], star: true };
    } else if (UNIT_FUNCTIONS.has(name) && ts.isAnyWord(DATETIME_UNITS) && ts.isOp(',', 1)) {
      // `timestampadd(MINUTE, 5, ts)`: the unit is a keyword, passed on as its text.
      const unit: AstExpr = { kind: 'literal', type: 'string', value: ts.next().value };
      const args: AstExpr[] = [unit];
      while (ts.acceptOp(',')) args.push(this.argument());
      ts.expectOp(')');
      result = { ...base, name: 'timestampadd', args };
    } else if (UNIT_FUNCTIONS.has(name) && name === 'timestampadd') {
      // Spark's grammar only: without a unit keyword there is no function of that name.
      throw AnalysisError.withClass('UNRESOLVED_ROUTINE', { routineName: `\`${name}\``, searchPath: DEFAULT_SEARCH_PATH });
    } else {
      const distinct = ts.acceptWord('DISTINCT');
      if (!distinct && ts.isWord('ALL') && !ts.isOp(')', 1) && !ts.isOp(',', 1)) ts.next();
      const args = [this.argument()];
      while (ts.acceptOp(',')) args.push(this.argument());
      ts.expectOp(')');
      result = { ...base, args, distinct };
    }
    if (ts.isWord('FILTER') && ts.isOp('(', 1)) {
      throw new NotSupportedError(`${ts.peek().value} clauses on function calls are not supported by Kindling.`);
    }
    if (ts.acceptWord('OVER')) return this.over(result);
    return result;
  }

  /** `OVER (PARTITION BY ... ORDER BY ... [ROWS|RANGE] frame)`. */
  private over(fn: AstExpr): AstExpr {
    if (!this.ts.isOp('(')) return { kind: 'over', fn, partitionBy: [], orderBy: [], windowName: this.name() };
    return { kind: 'over', fn, ...this.windowSpec() };
  }

  /** `(PARTITION BY ... ORDER BY ... [ROWS|RANGE] frame)`, in OVER or a WINDOW clause. */
  protected windowSpec(): Pick<Extract<AstExpr, { kind: 'over' }>, 'partitionBy' | 'orderBy' | 'frame'> {
    const ts = this.ts;
    ts.expectOp('(');
    const partitionBy = this.byClause(['PARTITION', 'DISTRIBUTE'], () => this.expression());
    const orderBy = this.byClause(['ORDER', 'SORT'], () => this.orderItem());
    let frame: AstWindowFrame | undefined;
    if (ts.isWord('ROWS') || ts.isWord('RANGE')) {
      const type = ts.next().value as 'ROWS' | 'RANGE';
      if (ts.acceptWord('BETWEEN')) {
        const lower = this.frameBound();
        ts.expectWord('AND');
        frame = { type, lower, upper: this.frameBound() };
      } else {
        frame = { type, lower: this.frameBound(), upper: { kind: 'currentRow' } };
      }
    }
    ts.expectOp(')');
    return { partitionBy, orderBy, ...(frame ? { frame } : {}) };
  }

  private frameBound(): AstFrameBound {
    const ts = this.ts;
    if (ts.acceptWord('UNBOUNDED')) {
      if (ts.acceptWord('PRECEDING')) return { kind: 'unboundedPreceding' };
      ts.expectWord('FOLLOWING');
      return { kind: 'unboundedFollowing' };
    }
    if (ts.isWord('CURRENT') && ts.isWord('ROW', 1)) {
      ts.next();
      ts.next();
      return { kind: 'currentRow' };
    }
    const value = this.expression();
    if (ts.acceptWord('PRECEDING')) return { kind: 'preceding', value };
    ts.expectWord('FOLLOWING');
    return { kind: 'following', value };
  }

  /** A function argument, which may be a lambda: `x -> e` or `(x, y) -> e`. */
  private argument(): AstExpr {
    const ts = this.ts;
    const t = ts.peek();
    if ((t.kind === 'word' || t.kind === 'quoted') && ts.isOp('->', 1)) {
      const param = this.name();
      ts.next();
      return { kind: 'lambda', params: [param], body: this.expression() };
    }
    if (t.kind === 'op' && t.text === '(' && this.lambdaParamsAhead()) {
      const params = this.nameList();
      ts.expectOp('->');
      return { kind: 'lambda', params, body: this.expression() };
    }
    return this.expression();
  }

  private lambdaParamsAhead(): boolean {
    const ts = this.ts;
    let k = 1;
    for (;;) {
      const t = ts.peek(k);
      if (t.kind !== 'word' && t.kind !== 'quoted') return false;
      if (ts.isOp(')', k + 1)) return ts.isOp('->', k + 2);
      if (!ts.isOp(',', k + 1)) return false;
      k += 2;
    }
  }

  /** `ORDER BY a, b` and the like: the items after one of `words` and `BY`, or none when the clause is absent. */
  protected byClause<T>(words: readonly string[], item: () => T): T[] {
    const ts = this.ts;
    if (!words.some((w) => ts.isWord(w)) || !ts.isWord('BY', 1)) return [];
    ts.next();
    ts.next();
    const items: T[] = [];
    do items.push(item());
    while (ts.acceptOp(','));
    return items;
  }

  /** `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]`: ORDER BY's and a window's sort items. */
  protected orderItem(): OrderItem {
    const ts = this.ts;
    const expr = this.expression();
    const ascending = !ts.acceptWord('DESC');
    if (ascending) ts.acceptWord('ASC');
    if (!ts.acceptWord('NULLS')) return { expr, ascending, nullsFirst: ascending };
    if (ts.acceptWord('FIRST')) return { expr, ascending, nullsFirst: true };
    if (!ts.acceptWord('LAST')) ts.fail();
    return { expr, ascending, nullsFirst: false };
  }

  /** At `SELECT`, `WITH` or `(` leading to one of them: the start of a query. */
  protected startsQuery(k = 0): boolean {
    const ts = this.ts;
    let i = k;
    while (ts.isOp('(', i)) i++;
    return ts.isWord('SELECT', i) || ts.isWord('WITH', i) || this.startsInlineTable(i);
  }

  /** `VALUES` followed by a row (`(`, a literal, a sign or a parameter): an inline table, not a table named `values`. */
  protected startsInlineTable(k = 0): boolean {
    const ts = this.ts;
    if (!ts.isWord('VALUES', k)) return false;
    const t = ts.peek(k + 1);
    if (t.kind === 'number' || t.kind === 'string') return true;
    if (t.kind === 'op') return ['(', '-', '+', ':', '?'].includes(t.text);
    return t.kind === 'word' && ['NULL', 'TRUE', 'FALSE', 'DATE', 'TIMESTAMP', 'INTERVAL', 'CAST', 'ARRAY', 'MAP', 'STRUCT', 'NAMED_STRUCT'].includes(t.value);
  }
}
