import { NotSupportedError } from '../errors/errors.js';
import { TokenStream } from './token-stream.js';

/** The catalog statements `spark.sql` runs besides queries (and SET, handled by the session). */
export type Statement =
  | {
      readonly kind: 'createView';
      readonly name: string;
      readonly replace: boolean;
      readonly global: boolean;
      readonly ifNotExists: boolean;
      readonly columns: readonly string[];
      /** The view's query text (kept as text: a view is analyzed again at every use). */
      readonly query: string;
    }
  | { readonly kind: 'dropView'; readonly name: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: 'showTables'; readonly pattern?: string };

/**
 * `CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW [IF NOT EXISTS] name [(cols)] AS query`,
 * `DROP VIEW [IF EXISTS] name`, `SHOW TABLES [IN|FROM db] [[LIKE] 'pattern']`; undefined for
 * anything else (a query, or a statement the query parser refuses with its own message).
 */
export function parseStatement(text: string): Statement | undefined {
  const ts = new TokenStream(text, true);
  const name = (): string => {
    const t = ts.next();
    if (t.kind === 'word') return t.text;
    if (t.kind === 'quoted') return t.value;
    return ts.fail(t);
  };
  const end = (): void => {
    while (ts.acceptOp(';'));
    if (!ts.atEnd()) ts.failExtraInput();
  };
  if (ts.acceptWord('CREATE')) {
    const replace = ts.acceptWord('OR') ? (ts.expectWord('REPLACE'), true) : false;
    const global = ts.acceptWord('GLOBAL');
    if (!ts.acceptWord('TEMPORARY') && !ts.acceptWord('TEMP')) {
      if (ts.isWord('VIEW')) throw new NotSupportedError('Only temporary views are supported by Kindling: CREATE TEMPORARY VIEW (Kindling has no persistent catalog).');
      return undefined;
    }
    ts.expectWord('VIEW');
    const ifNotExists = ts.isWord('IF') ? (ts.next(), ts.expectWord('NOT'), ts.expectWord('EXISTS'), true) : false;
    const viewName = name();
    const columns: string[] = [];
    if (ts.acceptOp('(')) {
      do columns.push(name());
      while (ts.acceptOp(','));
      ts.expectOp(')');
    }
    const as = ts.peek();
    ts.expectWord('AS');
    const query = text.slice(as.end).trim().replace(/;+\s*$/, '');
    return { kind: 'createView', name: viewName, replace, global, ifNotExists, columns, query };
  }
  if (ts.acceptWord('DROP')) {
    if (!ts.acceptWord('VIEW')) return undefined;
    const ifExists = ts.isWord('IF') ? (ts.next(), ts.expectWord('EXISTS'), true) : false;
    const parts = [name()];
    while (ts.acceptOp('.')) parts.push(name());
    end();
    return { kind: 'dropView', name: parts, ifExists };
  }
  if (ts.acceptWord('SHOW')) {
    if (!ts.acceptWord('TABLES') && !ts.acceptWord('VIEWS')) return undefined;
    if (ts.acceptWord('IN') || ts.acceptWord('FROM')) {
      name();
      while (ts.acceptOp('.')) name();
    }
    ts.acceptWord('LIKE');
    const t = ts.peek();
    const pattern = t.kind === 'string' ? (ts.next(), t.value) : undefined;
    end();
    return pattern === undefined ? { kind: 'showTables' } : { kind: 'showTables', pattern };
  }
  return undefined;
}

/** Spark's SHOW TABLES / listTables pattern: `*` any characters, `|` alternatives, case-insensitive. */
export function matchesPattern(name: string, pattern: string | undefined): boolean {
  if (pattern === undefined) return true;
  return pattern
    .split('|')
    .some((p) => new RegExp(`^${p.trim().replace(/[.+?^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(name));
}
