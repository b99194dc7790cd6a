import type { Catalog, CatalogEntry } from '../../engine/analysis/catalog.js';
import { quoteIdentifier } from '../../engine/analysis/identifier.js';
import type { RecordBatch } from '../../engine/batch/record-batch.js';
import { AnalysisError } from '../../engine/errors/errors.js';
import { DEFAULT_SEARCH_PATH } from '../../engine/errors/error-classes.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import type { MemorySink } from '../streaming/sinks/memory-sink.js';

type Entry = { readonly kind: 'view'; readonly plan: LogicalPlan } | { readonly kind: 'memory'; readonly sink: MemorySink };

export const GLOBAL_TEMP_DB = 'global_temp';

/** Temporary views, shared by the sessions of one server (`global_temp.<name>`). */
export class GlobalViews {
  readonly views = new Map<string, LogicalPlan>();
}

/**
 * A session's temporary relations: temp views (`createOrReplaceTempView`) and memory-sink tables,
 * which share one namespace as in Spark. Names are case-insensitive.
 */
export class SessionCatalog implements Catalog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly global: GlobalViews) {}

  lookup(parts: readonly string[]): CatalogEntry | undefined {
    if (parts.length === 2 && parts[0]?.toLowerCase() === GLOBAL_TEMP_DB) {
      const plan = this.global.views.get((parts[1] ?? '').toLowerCase());
      return plan ? { kind: 'view', plan } : undefined;
    }
    if (parts.length !== 1) return undefined;
    const e = this.entries.get((parts[0] ?? '').toLowerCase());
    if (!e) return undefined;
    return e.kind === 'view' ? { kind: 'view', plan: e.plan } : { kind: 'table', schema: e.sink.schema };
  }

  createView(name: string, plan: LogicalPlan, replace: boolean, global: boolean): void {
    const key = name.toLowerCase();
    const exists = global ? this.global.views.has(key) : this.entries.has(key);
    if (exists && !replace) {
      throw new AnalysisError('', {
        errorClass: 'TEMP_TABLE_OR_VIEW_ALREADY_EXISTS',
        messageParameters: { relationName: quoteIdentifier(global ? [GLOBAL_TEMP_DB, name] : [name]) },
      });
    }
    if (global) this.global.views.set(key, plan);
    else this.entries.set(key, { kind: 'view', plan });
  }

  dropView(name: string): boolean {
    return this.entries.delete(name.toLowerCase());
  }

  dropGlobalView(name: string): boolean {
    return this.global.views.delete(name.toLowerCase());
  }

  registerMemoryTable(name: string, sink: MemorySink): void {
    this.entries.set(name.toLowerCase(), { kind: 'memory', sink });
  }

  memorySink(name: string): MemorySink | undefined {
    const e = this.entries.get(name.toLowerCase());
    return e?.kind === 'memory' ? e.sink : undefined;
  }

  readTable(name: string): RecordBatch {
    const e = this.entries.get(name.toLowerCase());
    if (e?.kind !== 'memory') {
      throw new AnalysisError('', { errorClass: 'TABLE_OR_VIEW_NOT_FOUND', messageParameters: { relationName: quoteIdentifier([name]), searchPath: DEFAULT_SEARCH_PATH } });
    }
    return e.sink.snapshot();
  }

  names(): { name: string; isTemporary: boolean }[] {
    return [...this.entries.keys()].sort().map((name) => ({ name, isTemporary: true }));
  }
}
