import type { LogicalPlan } from '../plan/logical-plan.js';
import type { Schema } from '../types/schema.js';

/** What a table name can stand for. */
export type CatalogEntry =
  /** A temporary view: its plan is analyzed again at every use (it may be streaming). */
  | { readonly kind: 'view'; readonly plan: LogicalPlan }
  /** A table whose rows the executing side provides (memory-sink tables). */
  | { readonly kind: 'table'; readonly schema: Schema };

/** Name → relation lookup for the analyzer; names are case-insensitive, possibly qualified (`global_temp.t`). */
export interface Catalog {
  lookup(nameParts: readonly string[]): CatalogEntry | undefined;
}

export const EMPTY_CATALOG: Catalog = Object.freeze({ lookup: () => undefined });
