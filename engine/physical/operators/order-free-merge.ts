import { InternalError } from '../../errors/errors.js';
import type { BufferSlot } from '../../functions/function.js';

const INTEGRAL: ReadonlySet<string> = new Set(['byte', 'short', 'integer', 'long']);
/** Ordered by JS `<` exactly as by Spark's ordering (numbers without NaN or -0, booleans). */
const PLAIN_ORDERED: ReadonlySet<string> = new Set([...INTEGRAL, 'boolean', 'date', 'timestamp', 'timestamp_ntz']);

/**
 * Whether merging two partials of this slot gives bit for bit what updating one buffer row by row
 * would, whatever the order: integral sums (JS numbers, exact within 2^53 either way), min/max where
 * any two equal values are the same. Floating sums, sets, lists, first/last and moments depend on
 * the order rows came in.
 */
export function mergesInAnyOrder(slot: BufferSlot): boolean {
  switch (slot.merge) {
    case 'sum':
      return INTEGRAL.has(slot.type.kind);
    case 'min':
    case 'max':
      return PLAIN_ORDERED.has(slot.type.kind);
    case 'union':
    case 'concat':
    case 'first':
    case 'last':
    case 'moments':
      return false;
    default: {
      const never: never = slot.merge;
      throw new InternalError(`unknown merge op ${String(never)}`);
    }
  }
}
