/**
 * A state row's identity without a text per row. The persisted key of a row is `encodeKey` of its
 * grouping values (`JSON.stringify`'s text); in memory it is split into two parts:
 * - `group`: the text of every grouping value but the last, joined by commas ('' for one column);
 * - `member`: the last value itself when it is a primitive whose JSON text is injective (strings,
 *   finite numbers, booleans, null).
 * A last value of any other kind (a struct, an array, binary) makes the whole key text the group,
 * with `member` `WHOLE_KEY`. Stores find rows through `Map`s of groups, then members: a windowed
 * word count looks a row up by its window's text (one per window) and its word, and no text is
 * written per row except where a row is persisted (`stateKeyText`).
 *
 * The identity is a function of the key's text (`stateKeyFromText` of `encodeKey(values)` equals
 * `stateKeyOf(values)`), so rows read back from files or Redis find the rows a batch brings.
 */
export interface StateKey {
  readonly group: string;
  readonly member: unknown;
}

/**
 * Column types whose raw values identify a group exactly as their `encodeKey` text does (strings and
 * integers: one value, one text), so a `Map` can be keyed by the value itself.
 */
export const RAW_KEY_KINDS: ReadonlySet<string> = new Set(['string', 'byte', 'short', 'integer', 'long']);

/** `member` of a key whose last value is not a primitive: `group` is the key's whole text. */
export const WHOLE_KEY: unique symbol = Symbol('whole state key');

/** Not a primitive member (see `memberOf`). */
const NOT_PRIMITIVE: unique symbol = Symbol('not primitive');

/**
 * The member a last grouping value gives, or `NOT_PRIMITIVE`. Numbers JSON cannot write (NaN,
 * ±Infinity) are written `null`, so they are the member null, as their text is; -0 is written 0,
 * and a `Map` takes -0 for 0.
 */
function memberOf(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case 'undefined':
      return null;
    case 'object':
      return v === null ? null : NOT_PRIMITIVE;
    default:
      return NOT_PRIMITIVE;
  }
}

/** The JSON text of a primitive member (`memberOf`'s result). */
export function memberText(member: unknown): string {
  if (typeof member === 'string') return JSON.stringify(member);
  // Finite numbers (JSON's text is Number's; -0 is written 0 by both), booleans, null.
  return member === null ? 'null' : String(member);
}

/** The key's text as stores persist it: `encodeKey` of the grouping values. */
export function stateKeyText(key: StateKey): string {
  if (key.member === WHOLE_KEY) return key.group;
  return key.group === '' ? `[${memberText(key.member)}]` : `[${key.group},${memberText(key.member)}]`;
}

/** The identity of grouping values (any kinds). */
export function stateKeyOf(values: readonly unknown[]): StateKey {
  // JSON writes undefined in an array as null.
  return splitKeyText(JSON.stringify(values), values[values.length - 1], values.length);
}

/** The identity of a persisted key text (`encodeKey`'s). */
export function stateKeyFromText(text: string): StateKey {
  const values = JSON.parse(text) as unknown;
  if (!Array.isArray(values)) return { group: text, member: WHOLE_KEY };
  return splitKeyText(text, values[values.length - 1], values.length);
}

/**
 * The identity of the key `text` (`encodeKey` of `count` values, the last being `last`). A text
 * not in the canonical form (never written by Kindling) keeps its whole text, as it is stored.
 */
export function splitKeyText(text: string, last: unknown, count: number): StateKey {
  if (count === 0) return { group: text, member: WHOLE_KEY };
  const member = memberOf(last);
  if (member === NOT_PRIMITIVE) return { group: text, member: WHOLE_KEY };
  const mt = memberText(member);
  const end = text.length - 1 - mt.length;
  if (text.charCodeAt(text.length - 1) !== 93 || text.slice(end, text.length - 1) !== mt) return { group: text, member: WHOLE_KEY };
  if (count === 1) return end === 1 ? { group: '', member } : { group: text, member: WHOLE_KEY };
  return text.charCodeAt(end - 1) === 44 ? { group: text.slice(1, end - 1), member } : { group: text, member: WHOLE_KEY };
}

/**
 * Decodes grouping values from an identity (a row read back from a file or Redis has no decoded
 * values). `groups` caches each group's decoded values: rows of one window share its values.
 */
export function stateKeyValues(key: StateKey, groups?: Map<string, readonly unknown[]>): unknown[] {
  if (key.member === WHOLE_KEY) return JSON.parse(key.group) as unknown[];
  if (key.group === '') return [key.member];
  let head = groups?.get(key.group);
  if (head === undefined) {
    head = JSON.parse(`[${key.group}]`) as unknown[];
    groups?.set(key.group, head);
  }
  return [...head, key.member];
}
