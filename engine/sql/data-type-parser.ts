import { ParseError } from '../errors/errors.js';
import { ATOMIC_KINDS, ATOMIC_TYPES } from '../types/atomic-types.js';
import { T, type DataType, type StructField } from '../types/data-type.js';
import type { Schema } from '../types/schema.js';
import { parseDataTypeJson } from '../types/type-json.js';
import type { Token } from './lexer.js';
import { TokenStream } from './token-stream.js';

/**
 * Spark's type and schema DDL: `bigint`, `array<string>`, `map<string,int>`,
 * `struct<a:int, b string not null>`, `a INT, b STRING NOT NULL COMMENT 'x'`.
 * Types Kindling does not have map to the nearest one it has: `decimal(p,s)` → double,
 * `char(n)`/`varchar(n)` → string, `timestamp_ltz` → timestamp.
 * It reads the SQL lexer's tokens (as Spark's `CatalystSqlParser.parseDataType` does), so it lives
 * in sql/; printing types as DDL needs no parser and stays in `types/type-sql.ts`.
 */

/** Type keywords without a size (`BIGINT`, `LONG`, `TIMESTAMP_LTZ`). */
const SIMPLE_TYPES: ReadonlyMap<string, DataType> = new Map(
  ATOMIC_KINDS.flatMap((kind) => ATOMIC_TYPES[kind].ddl.map((name) => [name, T[kind]] as const)),
);

/** Types that take a parenthesized size, and how many sizes they accept. */
const SIZED_TYPES: Readonly<Record<string, { type: DataType; min: number; max: number }>> = {
  DECIMAL: { type: T.double, min: 0, max: 2 },
  DEC: { type: T.double, min: 0, max: 2 },
  NUMERIC: { type: T.double, min: 0, max: 2 },
  CHAR: { type: T.string, min: 1, max: 1 },
  CHARACTER: { type: T.string, min: 1, max: 1 },
  VARCHAR: { type: T.string, min: 1, max: 1 },
};

/** Parses one data type, e.g. for `CAST(x AS <type>)` or a schema string. */
export function parseDataType(text: string): DataType {
  const ts = new TokenStream(text, false);
  const type = parseDataTypeFrom(ts);
  if (!ts.atEnd()) ts.failExtraInput();
  return type;
}

/**
 * Parses a schema given as DDL (`a INT, b STRING`), as a struct type (`struct<a:int>`, also
 * `a: int` written without `struct<>`), or as Spark's JSON form. The first DDL error is reported.
 */
export function parseSchema(text: string): Schema {
  const trimmed = text.trim();
  if (trimmed === '') return T.struct([]);
  if (trimmed.startsWith('{')) {
    const t = parseDataTypeJson(trimmed);
    if (t.kind !== 'struct') throw new ParseError(`Schema JSON is not a struct type: ${trimmed}`);
    return t;
  }
  try {
    return parseTableSchema(text);
  } catch (first) {
    if (!(first instanceof ParseError)) throw first;
    for (const candidate of [text, `struct<${trimmed}>`]) {
      try {
        const t = parseDataType(candidate);
        if (t.kind === 'struct') return t;
      } catch {
        // try the next form; the DDL error is the one worth reporting
      }
    }
    throw first;
  }
}

/** Parses `name type [NOT NULL] [COMMENT 'text'], ...` (no colon between name and type, as in Spark). */
export function parseTableSchema(text: string): Schema {
  const ts = new TokenStream(text, false);
  const fields: StructField[] = [];
  do {
    fields.push(parseField(ts, false));
  } while (ts.acceptOp(','));
  if (!ts.atEnd()) ts.failExtraInput();
  return T.struct(fields);
}

/** Parses a data type at the cursor. */
export function parseDataTypeFrom(ts: TokenStream): DataType {
  const first = ts.peek();
  if (first.kind !== 'word') ts.fail();
  ts.next();
  switch (first.value) {
    case 'ARRAY':
      return complex(ts, () => {
        ts.expectOp('<');
        const element = parseDataTypeFrom(ts);
        ts.expectOp('>');
        return T.array(element);
      });
    case 'MAP':
      return complex(ts, () => {
        ts.expectOp('<');
        const key = parseDataTypeFrom(ts);
        ts.expectOp(',');
        const value = parseDataTypeFrom(ts);
        ts.expectOp('>');
        return T.map(key, value);
      });
    case 'STRUCT':
      return complex(ts, () => parseStructBody(ts));
    default:
      return parsePrimitive(ts, first);
  }
}

/** Spark reports a syntax error anywhere inside `<...>` at the opening `<`. */
function complex(ts: TokenStream, body: () => DataType): DataType {
  const open = ts.peek();
  try {
    return body();
  } catch (e) {
    if (e instanceof ParseError && e.errorClass === 'PARSE_SYNTAX_ERROR' && open.kind === 'op' && open.text.startsWith('<')) {
      throw ts.syntaxError(open);
    }
    throw e;
  }
}

function parseStructBody(ts: TokenStream): DataType {
  if (ts.acceptOp('<>')) return T.struct([]);
  ts.expectOp('<');
  const fields: StructField[] = [];
  if (!ts.acceptOp('>')) {
    do {
      fields.push(parseField(ts, true));
    } while (ts.acceptOp(','));
    ts.expectOp('>');
  }
  return T.struct(fields);
}

function parseField(ts: TokenStream, colonAllowed: boolean): StructField {
  const nameToken = ts.peek();
  if (nameToken.kind !== 'word' && nameToken.kind !== 'quoted') ts.fail();
  ts.next();
  if (colonAllowed) ts.acceptOp(':');
  const type = parseDataTypeFrom(ts);
  let nullable = true;
  let comment: string | undefined;
  for (;;) {
    if (ts.isWord('NOT') && ts.isWord('NULL', 1)) {
      ts.next();
      ts.next();
      nullable = false;
    } else if (ts.acceptWord('COMMENT')) {
      const c = ts.peek();
      if (c.kind !== 'string') ts.fail();
      comment = ts.next().value;
    } else break;
  }
  const name = nameToken.kind === 'quoted' ? nameToken.value : nameToken.text;
  return T.field(name, type, nullable, comment === undefined ? undefined : { comment });
}

function parsePrimitive(ts: TokenStream, nameToken: Token): DataType {
  const name = nameToken.value;
  const sizes: string[] = [];
  if (ts.acceptOp('(')) {
    do {
      const n = ts.peek();
      if (n.kind !== 'number' || !/^\d+$/.test(n.text)) ts.fail();
      sizes.push(ts.next().text);
    } while (ts.acceptOp(','));
    ts.expectOp(')');
  }
  if (name === 'STRING' && ts.isWord('COLLATE')) {
    // Collations do not change how Kindling stores strings.
    ts.next();
    ts.next();
  }
  const simple = SIMPLE_TYPES.get(name);
  if (simple && sizes.length === 0) return simple;
  const sized = SIZED_TYPES[name];
  if (sized && sizes.length >= sized.min && sizes.length <= sized.max) return sized.type;
  if (sized && sizes.length === 0) {
    throw ts.fragmentError(nameToken, ts.previous(), 'DATATYPE_MISSING_SIZE', { type: `"${name}"` });
  }
  const shown = sizes.length > 0 ? `${name}(${sizes.join(',')})` : name;
  throw ts.fragmentError(nameToken, ts.previous(), 'UNSUPPORTED_DATATYPE', { typeName: `"${shown}"` });
}
