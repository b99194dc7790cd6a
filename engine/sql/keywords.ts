/**
 * Keywords by the role they play. Spark reserves almost no keyword (`spark.sql.ansi.enforceReservedKeywords`
 * is off by default), so `window`, `timestamp`, `count`, `end` or `date` are ordinary column names;
 * these sets list only the words that end or join clauses and so cannot be names where they appear.
 */

const words = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter((w) => w !== ''));

/** Spark's strict non-reserved keywords: never identifiers without back-quotes. */
export const STRICT_NON_RESERVED = words(
  'ANTI CROSS EXCEPT FULL INNER INTERSECT JOIN LATERAL LEFT MINUS NATURAL ON RIGHT SEMI SETMINUS UNION USING',
);

/** Words that cannot be a column reference (they continue or end an expression). */
export const NOT_A_COLUMN = new Set([
  ...STRICT_NON_RESERVED,
  ...words('AND OR IS IN BETWEEN LIKE ILIKE RLIKE REGEXP WHEN THEN ELSE AS'),
]);

/** Words that end a select item, so they are never taken as an alias written without AS. */
export const SELECT_ALIAS_STOP = new Set([
  ...NOT_A_COLUMN,
  ...words('FROM WHERE GROUP HAVING ORDER LIMIT OFFSET WINDOW SORT CLUSTER DISTRIBUTE INTO NOT'),
]);

/** Words that end a relation, so they are never taken as a table alias written without AS. */
export const TABLE_ALIAS_STOP = new Set([...SELECT_ALIAS_STOP, ...words('PIVOT UNPIVOT TABLESAMPLE')]);

/** Relation-joining words Kindling recognizes in FROM but does not support. */
export const JOIN_WORDS = words('JOIN INNER LEFT RIGHT FULL CROSS NATURAL SEMI ANTI LATERAL PIVOT UNPIVOT TABLESAMPLE');

/** Statements that exist in Spark SQL but are not queries Kindling runs. */
export const OTHER_STATEMENTS = words(
  'SHOW CREATE DROP ALTER INSERT DESCRIBE DESC EXPLAIN SET RESET USE CACHE UNCACHE CLEAR REFRESH ANALYZE MSCK LOAD TRUNCATE DELETE UPDATE MERGE REPLACE VALUES TABLE FROM ADD LIST DECLARE EXECUTE COMMENT GRANT REVOKE',
);

/** Words printed back-quoted by `printAst`, because the parser gives them a meaning somewhere. */
export const PRINT_QUOTED = new Set([
  ...TABLE_ALIAS_STOP,
  ...words(
    'SELECT DISTINCT ALL BY NULL TRUE FALSE CASE CAST TRY_CAST INTERVAL DIV ASC DESC NULLS FIRST LAST ESCAPE DATE TIMESTAMP TIMESTAMP_NTZ TIMESTAMP_LTZ EXISTS CURRENT_DATE CURRENT_TIMESTAMP WITH END',
  ),
]);

/** Interval units (singular, upper case) and the plural Spark prints them with. */
export const INTERVAL_UNITS: Readonly<Record<string, string>> = {
  YEAR: 'years',
  MONTH: 'months',
  WEEK: 'weeks',
  DAY: 'days',
  HOUR: 'hours',
  MINUTE: 'minutes',
  SECOND: 'seconds',
  MILLISECOND: 'milliseconds',
  MICROSECOND: 'microseconds',
};

/** `SECONDS` → `SECOND`; undefined when the word is not an interval unit. */
export function intervalUnit(word: string): string | undefined {
  if (INTERVAL_UNITS[word]) return word;
  if (word.endsWith('S') && INTERVAL_UNITS[word.slice(0, -1)]) return word.slice(0, -1);
  return undefined;
}
