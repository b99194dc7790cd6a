import { ParseError } from '../errors/errors.js';

/** Splits `a.b`, `` `a.b`.c `` and `` `we``ird` `` into name parts, as Spark parses attribute names. */
export function parseIdentifierParts(name: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  let quotedPart = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i] as string;
    if (inQuote) {
      if (ch === '`') {
        if (name[i + 1] === '`') {
          cur += '`';
          i++;
        } else inQuote = false;
      } else cur += ch;
    } else if (ch === '`') {
      inQuote = true;
      quotedPart = true;
    } else if (ch === '.') {
      parts.push(cur);
      cur = '';
      quotedPart = false;
    } else cur += ch;
  }
  if (inQuote) throw new ParseError(`syntax error in attribute name: ${name}`);
  if (cur !== '' || quotedPart || parts.length > 0) parts.push(cur);
  return parts;
}

/** Spark's `toSQLId`: `` `a`.`b` `` with back-quotes doubled inside names. */
export function quoteIdentifier(parts: readonly string[]): string {
  return parts.map((p) => '`' + p.replace(/`/g, '``') + '`').join('.');
}

export function quoteName(name: string): string {
  return quoteIdentifier(parseIdentifierParts(name));
}
