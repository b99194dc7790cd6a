import { analyze } from '../../../engine/analysis/analyzer.js';
import type { Catalog, CatalogEntry } from '../../../engine/analysis/catalog.js';
import type { AnalyzerContext } from '../../../engine/analysis/context.js';
import { batchFromRows, batchToRows, type RecordBatch } from '../../../engine/batch/record-batch.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import { executeBatchPlan } from '../../../engine/physical/batch-executor.js';
import type { LogicalPlan } from '../../../engine/plan/logical-plan.js';
import { parseSchema } from '../../../engine/sql/data-type-parser.js';

/** Temp views over literal rows, and a way to run SQL text or plans over them in this process. */
export class Tables {
  private readonly views = new Map<string, LogicalPlan>();

  add(name: string, ddl: string, rows: readonly (readonly unknown[])[]): this {
    const batch = batchFromRows(parseSchema(ddl), rows);
    this.views.set(name.toLowerCase(), Object.freeze({ kind: 'localRelation', batch }));
    return this;
  }

  plan(name: string): LogicalPlan {
    const p = this.views.get(name.toLowerCase());
    if (!p) throw new Error(`no table ${name}`);
    return p;
  }

  context(): AnalyzerContext {
    const catalog: Catalog = {
      lookup: (parts): CatalogEntry | undefined => {
        const p = parts.length === 1 ? this.views.get((parts[0] ?? '').toLowerCase()) : undefined;
        return p ? { kind: 'view', plan: p } : undefined;
      },
    };
    return {
      catalog,
      registry: defaultRegistry,
      conf: { timeZone: 'UTC', ansi: true },
      sourceSchema: () => {
        throw new Error('no sources');
      },
    };
  }

  async run(plan: LogicalPlan | string): Promise<{ columns: string[]; types: string[]; rows: unknown[][]; batch: RecordBatch }> {
    const logical: LogicalPlan = typeof plan === 'string' ? { kind: 'sql', query: plan, namedArgs: {}, posArgs: [] } : plan;
    const analyzed = analyze(logical, this.context());
    const batch = await executeBatchPlan(analyzed, {
      registry: defaultRegistry,
      eval: { timeZone: 'UTC', ansi: true, batchTimestampUs: 0 },
      readTable: () => {
        throw new Error('no tables');
      },
      readSource: () => Promise.reject(new Error('no sources')),
    });
    return {
      columns: batch.schema.fields.map((f) => f.name),
      types: batch.schema.fields.map((f) => `${f.type.kind}${f.nullable ? '' : ' not null'}`),
      rows: batchToRows(batch),
      batch,
    };
  }
}

/** Rows sorted by their JSON text, for comparing results whose order Spark does not define. */
export function sorted(rows: readonly unknown[][]): unknown[][] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}
