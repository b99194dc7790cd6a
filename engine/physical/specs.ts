import { refIndexes } from '../expr/bound-expr.js';
import { InternalError } from '../errors/errors.js';
import type { AggregateNode, AnalyzedPlan } from '../plan/analyzed-plan.js';
import { T } from '../types/data-type.js';
import { schemaOf, type Schema } from '../types/schema.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { ResolveContext } from '../functions/function.js';
import type { OperatorSpec } from './operator.js';
import type { GenerateConfig, FilterConfig, ProjectConfig } from './operators/narrow.js';
import type { TimeWindowConfig } from './operators/time-window.js';
import type { WatermarkConfig } from './operators/watermark.js';
import type { PartialAggregateConfig } from './operators/partial-aggregate.js';
import type { FinalAggregateConfig } from './operators/final-aggregate.js';
import type { StatefulAggregateConfig } from './operators/stateful-aggregate.js';
import type { DeduplicateConfig, LimitConfig, SortConfig } from './operators/ordering.js';

export type NarrowNode = Extract<AnalyzedPlan, { kind: 'project' | 'filter' | 'generate' | 'timeWindow' | 'watermark' }>;

export function isNarrow(p: AnalyzedPlan): p is NarrowNode {
  return p.kind === 'project' || p.kind === 'filter' || p.kind === 'generate' || p.kind === 'timeWindow' || p.kind === 'watermark';
}

/**
 * The operator spec for a narrow node. `parent` lets a Generate skip carrying input columns the
 * node above never reads (Spark's Generate `requiredChildOutput`).
 */
export function narrowSpec(node: NarrowNode, parent: AnalyzedPlan | undefined, watermarkId: string): OperatorSpec {
  switch (node.kind) {
    case 'project':
      return spec<ProjectConfig>('Project', { exprs: node.exprs, schema: node.schema });
    case 'filter':
      return spec<FilterConfig>('Filter', { condition: node.condition, schema: node.schema });
    case 'generate': {
      const width = node.input.schema.fields.length;
      const used = parent ? usedColumns(parent) : undefined;
      const keep = node.input.schema.fields.map((_, i) => used === undefined || used.has(i));
      void width;
      return spec<GenerateConfig>('Generate', {
        generator: node.generator,
        args: node.args,
        outer: node.outer,
        keep,
        schema: node.schema,
      });
    }
    case 'timeWindow':
      return spec<TimeWindowConfig>('TimeWindow', {
        time: node.time,
        windowUs: node.windowUs,
        slideUs: node.slideUs,
        startUs: node.startUs,
        schema: node.schema,
      });
    case 'watermark':
      return spec<WatermarkConfig>('EventTimeWatermark', {
        id: watermarkId,
        column: node.column,
        delayMs: node.delayMs,
        schema: node.schema,
      });
    default: {
      const never: never = node;
      throw new InternalError(`not a narrow node: ${JSON.stringify(never)}`);
    }
  }
}

/** The map-side aggregation and the schema of its output (keys, then buffer slots). */
export function partialAggregateSpec(
  agg: AggregateNode,
  registry: FunctionRegistry,
  ctx: ResolveContext,
): { spec: OperatorSpec; schema: Schema } {
  const keyFields = agg.schema.fields.slice(0, agg.groupings.length);
  const slotFields = agg.aggregates.flatMap((c, k) => {
    const entry = registry.lookup(c.fn);
    if (entry?.kind !== 'aggregate') throw new InternalError(`'${c.fn}' is not an aggregate`);
    return entry.fn.resolve(c.args, c.distinct, ctx).buffer.map((s, j) => T.field(`_agg${k}_${j}`, s.type, true));
  });
  const schema = schemaOf([...keyFields, ...slotFields]);
  return {
    spec: spec<PartialAggregateConfig>('PartialAggregate', {
      groupings: agg.groupings,
      aggregates: agg.aggregates,
      schema,
    }),
    schema,
  };
}

export function finalAggregateSpec(agg: AggregateNode): OperatorSpec {
  return spec<FinalAggregateConfig>('FinalAggregate', {
    keyCount: agg.groupings.length,
    aggregates: agg.aggregates,
    schema: agg.schema,
  });
}

export function statefulAggregateSpec(agg: AggregateNode, eventTimeColumn: number | undefined): OperatorSpec {
  const field = eventTimeColumn === undefined ? undefined : agg.schema.fields[eventTimeColumn];
  const eventTime =
    eventTimeColumn === undefined || !field
      ? null
      : { column: eventTimeColumn, field: field.type.kind === 'struct' ? field.type.fields.findIndex((f) => f.name === 'end') : null };
  return spec<StatefulAggregateConfig>('StatefulAggregate', {
    keyCount: agg.groupings.length,
    aggregates: agg.aggregates,
    eventTime,
    schema: agg.schema,
  });
}

export function sortSpec(node: Extract<AnalyzedPlan, { kind: 'sort' }>): OperatorSpec {
  return spec<SortConfig>('Sort', { order: node.order, schema: node.schema });
}

export function limitSpec(schema: Schema, limit: number, offset: number): OperatorSpec {
  return spec<LimitConfig>('Limit', { limit, offset, schema });
}

export function deduplicateSpec(node: Extract<AnalyzedPlan, { kind: 'deduplicate' }>): OperatorSpec {
  return spec<DeduplicateConfig>('Deduplicate', { keys: node.keys, schema: node.schema });
}

function spec<C>(name: string, config: C): OperatorSpec {
  return Object.freeze({ name, config });
}

/** Input columns a node's expressions read (undefined: all of them): what a Generate under it keeps. */
export function usedColumns(node: AnalyzedPlan): Set<number> | undefined {
  if (node.kind !== 'project') return undefined;
  const used = new Set<number>();
  for (const e of node.exprs) for (const i of refIndexes(e)) used.add(i);
  return used;
}
