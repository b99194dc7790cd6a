import type { DataType } from '../types/data-type.js';

/** The text of one grouping value inside `encodeKey`'s JSON array. */
export type KeyPartText = (value: unknown) => string;

/**
 * `encodeKey`'s text built column by column for a key column's type: the same characters
 * `JSON.stringify` writes (numbers, strings, booleans and structs of them take a direct path; any
 * other value, and any value of an unexpected shape, goes through `JSON.stringify` itself), without
 * `JSON.stringify`'s generic walk over every row's nested struct.
 */
export function keyPartText(type: DataType): KeyPartText {
  switch (type.kind) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      // For a finite number both are Number.prototype.toString (-0 prints as 0 in both).
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : generic(v));
    case 'string':
      return (v) => (typeof v === 'string' ? JSON.stringify(v) : generic(v));
    case 'boolean':
      return (v) => (v === true ? 'true' : v === false ? 'false' : generic(v));
    case 'struct': {
      const parts = type.fields.map((f) => keyPartText(f.type));
      const n = parts.length;
      return (v) => {
        if (!Array.isArray(v) || v.length !== n) return generic(v);
        let text = '[';
        for (let i = 0; i < n; i++) text += (i === 0 ? '' : ',') + (parts[i] as KeyPartText)(v[i]);
        return `${text}]`;
      };
    }
    default:
      return generic;
  }
}

/** Inside an array, JSON writes undefined as null. */
function generic(v: unknown): string {
  return JSON.stringify(v === undefined ? null : v) ?? 'null';
}
