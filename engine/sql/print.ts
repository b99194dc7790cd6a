import { dataTypeToSql } from '../types/type-sql.js';
import { assertNever } from '../types/data-type.js';
import type { AstExpr, AstNode, NamedExpression, Query, QueryTerm, Relation, SelectSpec, AstFrameBound } from './ast.js';
import { PRINT_QUOTED } from './keywords.js';

/**
 * Canonical SQL for a syntax tree: keywords upper case, every operator application
 * parenthesized (`((a + (b * c)) > 1)`), aliases with `AS`, sort orders spelled out.
 * Guarantee: parsing the output gives a tree deep-equal to the input tree.
 */
export function printAst(node: AstNode): string {
  switch (node.kind) {
    case 'query':
      return printQuery(node);
    case 'namedExpression':
      return printNamed(node);
    default:
      return printExpr(node);
  }
}

export function quoteIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PRINT_QUOTED.has(name.toUpperCase())
    ? name
    : '`' + name.replace(/`/g, '``') + '`';
}

const SPECIAL_FUNCTION_NAMES = new Set(['CASE', 'CAST', 'TRY_CAST', 'EXISTS']);

function functionName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !SPECIAL_FUNCTION_NAMES.has(name.toUpperCase())
    ? name
    : '`' + name.replace(/`/g, '``') + '`';
}

/** A string literal that Spark's unescaping turns back into `s`. */
export function quoteString(s: string): string {
  let out = "'";
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + "'";
}

function printNumber(value: number, suffix: string): string {
  if (!Number.isFinite(value)) return `CAST('${String(value)}' AS ${suffix === 'F' ? 'FLOAT' : 'DOUBLE'})`;
  return `${String(value)}${suffix}`;
}

function printLiteral(e: Extract<AstExpr, { kind: 'literal' }>): string {
  switch (e.type) {
    case 'null':
      return 'NULL';
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'integer':
      return String(e.value);
    case 'long':
      return `${String(e.value)}L`;
    case 'short':
      return `${String(e.value)}S`;
    case 'byte':
      return `${String(e.value)}Y`;
    case 'float':
      return printNumber(e.value as number, 'F');
    case 'double':
      return printNumber(e.value as number, 'D');
    case 'string':
      return quoteString(String(e.value));
    default:
      return assertNever(e.type);
  }
}

const TYPED_LITERAL_KEYWORD = { date: 'DATE', timestamp: 'TIMESTAMP', timestamp_ntz: 'TIMESTAMP_NTZ' } as const;

export function printExpr(e: AstExpr): string {
  switch (e.kind) {
    case 'literal':
      return printLiteral(e);
    case 'typedLiteral':
      return `${TYPED_LITERAL_KEYWORD[e.type]} ${quoteString(e.value)}`;
    case 'binaryLiteral':
      return `X'${e.hex}'`;
    case 'interval':
      return `INTERVAL ${quoteString(e.text)}`;
    case 'identifier':
      return e.parts.map(quoteIdent).join('.');
    case 'star':
      return e.target.length > 0 ? `${e.target.map(quoteIdent).join('.')}.*` : '*';
    case 'unary': {
      // `(- (1))` keeps a negated literal from reading back as the negative literal `-1`.
      const operand = e.operand.kind === 'literal' && typeof e.operand.value === 'number' ? `(${printExpr(e.operand)})` : printExpr(e.operand);
      return `(${e.op} ${operand})`;
    }
    case 'binary':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'isNull':
      return `(${printExpr(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'isBoolean':
      return `(${printExpr(e.operand)} IS ${e.negated ? 'NOT ' : ''}${e.value ? 'TRUE' : 'FALSE'})`;
    case 'isDistinctFrom':
      return `(${printExpr(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${printExpr(e.right)})`;
    case 'in':
      return `(${printExpr(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(printExpr).join(', ')}))`;
    case 'between':
      return `(${printExpr(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${printExpr(e.low)} AND ${printExpr(e.high)})`;
    case 'like': {
      const escape = e.escape === undefined ? '' : ` ESCAPE ${quoteString(e.escape)}`;
      return `(${printExpr(e.operand)} ${e.negated ? 'NOT ' : ''}${e.op} ${printExpr(e.pattern)}${escape})`;
    }
    case 'call': {
      const args = e.star ? '*' : `${e.distinct ? 'DISTINCT ' : ''}${e.args.map(printExpr).join(', ')}`;
      return `${functionName(e.name)}(${args})`;
    }
    case 'cast':
      return `${e.try ? 'TRY_CAST' : 'CAST'}(${printExpr(e.operand)} AS ${dataTypeToSql(e.type)})`;
    case 'case': {
      let s = 'CASE';
      if (e.operand) s += ` ${printExpr(e.operand)}`;
      for (const b of e.branches) s += ` WHEN ${printExpr(b.when)} THEN ${printExpr(b.then)}`;
      if (e.else) s += ` ELSE ${printExpr(e.else)}`;
      return `${s} END`;
    }
    case 'subscript':
      return `${printExpr(e.operand)}[${printExpr(e.index)}]`;
    case 'field':
      return `${printExpr(e.operand)}.${quoteIdent(e.name)}`;
    case 'parameter':
      return `:${quoteIdent(e.name)}`;
    case 'positionalParameter':
      return '?';
    case 'over':
      return printOver(e);
    case 'lambda': {
      const params = e.params.length === 1 ? quoteIdent(e.params[0] as string) : `(${e.params.map(quoteIdent).join(', ')})`;
      return `${params} -> ${printExpr(e.body)}`;
    }
    default:
      return assertNever(e);
  }
}

function printAliases(aliases: readonly string[]): string {
  if (aliases.length === 0) return '';
  if (aliases.length === 1) return ` AS ${quoteIdent(aliases[0] as string)}`;
  return ` AS (${aliases.map(quoteIdent).join(', ')})`;
}

function printNamed(n: NamedExpression): string {
  return printExpr(n.expr) + printAliases(n.aliases);
}

export function printQuery(q: Query): string {
  const parts: string[] = [];
  if (q.with.length > 0) {
    const defs = q.with.map((c) => {
      const cols = c.columns.length > 0 ? `(${c.columns.map(quoteIdent).join(', ')})` : '';
      return `${quoteIdent(c.name)}${cols} AS (${printQuery(c.query)})`;
    });
    parts.push(`WITH ${defs.join(', ')}`);
  }
  parts.push(printTerm(q.body));
  if (q.orderBy.length > 0) {
    const items = q.orderBy.map(
      (o) => `${printExpr(o.expr)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`,
    );
    parts.push(`ORDER BY ${items.join(', ')}`);
  }
  if (q.limit) parts.push(`LIMIT ${printExpr(q.limit)}`);
  if (q.offset) parts.push(`OFFSET ${printExpr(q.offset)}`);
  return parts.join(' ');
}

function printTerm(t: QueryTerm): string {
  switch (t.kind) {
    case 'select':
      return printSelect(t);
    case 'setOp':
      return `${printTerm(t.left)} ${t.op}${t.all ? ' ALL' : ''} ${printTerm(t.right)}`;
    case 'nested':
      return `(${printQuery(t.query)})`;
    default:
      return assertNever(t);
  }
}

function printSelect(s: SelectSpec): string {
  const items = s.items.map((i) => printExpr(i.expr) + printAliases(i.aliases)).join(', ');
  let out = `SELECT ${s.distinct ? 'DISTINCT ' : ''}${items}`;
  if (s.from) out += ` FROM ${printRelation(s.from)}`;
  if (s.where) out += ` WHERE ${printExpr(s.where)}`;
  const ga = s.groupingAnalytics;
  const list = (es: readonly AstExpr[]): string => `(${es.map(printExpr).join(', ')})`;
  if (ga) out += ` GROUP BY ${ga.kind === 'groupingSets' ? `GROUPING SETS (${ga.sets.map(list).join(', ')})` : `${ga.kind.toUpperCase()}${list(ga.sets[0] ?? [])}`}`;
  else if (s.groupBy.length > 0) out += ` GROUP BY ${s.groupBy.map(printExpr).join(', ')}`;
  if (s.having) out += ` HAVING ${printExpr(s.having)}`;
  return out;
}

function printRelation(r: Relation): string {
  const columns = r.columns === undefined ? '' : `(${r.columns.map(quoteIdent).join(', ')})`;
  const alias = r.alias === undefined ? '' : ` AS ${quoteIdent(r.alias)}${columns}`;
  switch (r.kind) {
    case 'table':
      return r.name.map(quoteIdent).join('.') + alias;
    case 'subquery':
      return `(${printQuery(r.query)})${alias}`;
    case 'tableFunction':
      return `${functionName(r.name)}(${r.args.map(printExpr).join(', ')})${alias}`;
    case 'values':
      return `VALUES ${r.rows.map((row) => `(${row.map(printExpr).join(', ')})`).join(', ')}${alias}`;
    case 'join': {
      const how = r.joinType === 'INNER' ? 'JOIN' : r.joinType === 'SEMI' || r.joinType === 'ANTI' ? `LEFT ${r.joinType} JOIN` : `${r.joinType} JOIN`;
      const right = r.right.kind === 'join' ? `(${printRelation(r.right)})` : printRelation(r.right);
      const cond = r.on ? ` ON ${printExpr(r.on)}` : r.using ? ` USING (${r.using.map(quoteIdent).join(', ')})` : '';
      return `${printRelation(r.left)} ${r.natural ? 'NATURAL ' : ''}${how} ${right}${cond}`;
    }
    default:
      return assertNever(r);
  }
}

function printOver(e: Extract<AstExpr, { kind: 'over' }>): string {
  const parts: string[] = [];
  if (e.partitionBy.length > 0) parts.push(`PARTITION BY ${e.partitionBy.map(printExpr).join(', ')}`);
  if (e.orderBy.length > 0) {
    parts.push(`ORDER BY ${e.orderBy.map((o) => `${printExpr(o.expr)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}`);
  }
  if (e.frame) {
    const b = (x: AstFrameBound): string => {
      switch (x.kind) {
        case 'unboundedPreceding':
          return 'UNBOUNDED PRECEDING';
        case 'unboundedFollowing':
          return 'UNBOUNDED FOLLOWING';
        case 'currentRow':
          return 'CURRENT ROW';
        case 'preceding':
          return `${printExpr(x.value)} PRECEDING`;
        case 'following':
          return `${printExpr(x.value)} FOLLOWING`;
        default:
          return assertNever(x);
      }
    };
    parts.push(`${e.frame.type} BETWEEN ${b(e.frame.lower)} AND ${b(e.frame.upper)}`);
  }
  return `${printExpr(e.fn)} OVER (${parts.join(' ')})`;
}
