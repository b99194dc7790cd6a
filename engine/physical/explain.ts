import type { BoundExpr } from '../expr/bound-expr.js';
import { prettyName } from '../expr/pretty-name.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { analyzedChildren, type AnalyzedPlan } from '../plan/analyzed-plan.js';
import { simpleString } from '../types/data-type.js';
import { WATERMARK_DELAY_KEY } from '../types/schema.js';

/** How a streaming query runs, for the staged form of explain. */
export interface StreamingExplainInfo {
  readonly numPartitions: number;
  readonly stateProvider: string;
  readonly outputMode: 'append' | 'update' | 'complete';
  readonly sink: string;
  readonly batchId: number | undefined;
  readonly lateWatermarkMs?: number;
  readonly evictionWatermarkMs?: number;
}

/**
 * The canonical text of a plan, one node per line in Spark's `+- ` tree layout. The API's
 * explain(), the UI and golden tests all use it. For a streaming query the aggregation shows as
 * its stages: map-side partial aggregate, hash exchange, stateful aggregate over the state store.
 */
export function explainPlan(
  plan: AnalyzedPlan,
  registry: FunctionRegistry,
  options: { extended?: boolean; streaming?: StreamingExplainInfo } = {},
): string {
  const body = physicalLines(plan, registry, options.streaming);
  const s = options.streaming;
  const physical = treeString(
    s
      ? { text: `WriteToDataSourceV2 MicroBatchWrite[epoch: ${s.batchId ?? 0}, writer: ${s.sink}], ${capitalize(s.outputMode)}`, children: [body] }
      : body,
  );
  if (!options.extended) return `== Physical Plan ==\n${physical}`;
  const logical = treeString(logicalLines(plan, registry));
  return [
    '== Parsed Logical Plan ==',
    logical,
    '== Analyzed Logical Plan ==',
    schemaLine(plan),
    logical,
    '== Optimized Logical Plan ==',
    logical,
    '== Physical Plan ==',
    physical,
  ].join('\n');
}

interface Line {
  readonly text: string;
  readonly children: Line[];
}

function treeString(root: Line): string {
  const out: string[] = [];
  const walk = (l: Line, prefix: string, childPrefix: string): void => {
    out.push(prefix + l.text);
    l.children.forEach((c) => walk(c, `${childPrefix}+- `, `${childPrefix}   `));
  };
  walk(root, '', '');
  return out.join('\n') + '\n';
}

function schemaLine(plan: AnalyzedPlan): string {
  return plan.schema.fields.map((f) => `${f.name}: ${simpleString(f.type)}`).join(', ');
}

function logicalLines(plan: AnalyzedPlan, registry: FunctionRegistry): Line {
  return { text: describe(plan, registry, true), children: analyzedChildren(plan).map((c) => logicalLines(c, registry)) };
}

function physicalLines(plan: AnalyzedPlan, registry: FunctionRegistry, streaming: StreamingExplainInfo | undefined): Line {
  const kids = analyzedChildren(plan).map((c) => physicalLines(c, registry, streaming));
  if (plan.kind === 'aggregate') {
    const keys = plan.groupings.map((g, i) => columnName(g, plan.schema.fields[i]?.name, registry));
    const fns = plan.aggregates.map((a) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map((x) => expr(x, registry)).join(', ')})`);
    const partial: Line = {
      text: `PartialAggregate(keys=[${keys.join(', ')}], functions=[${fns.map((f) => `partial_${f}`).join(', ')}])`,
      children: kids,
    };
    if (!streaming) {
      return { text: `HashAggregate(keys=[${keys.join(', ')}], functions=[${fns.join(', ')}])`, children: [partial] };
    }
    const exchange: Line = {
      text: `Exchange hashpartitioning(${keys.join(', ')}, ${streaming.numPartitions})`,
      children: [{ text: 'Stage 0 (map)', children: [partial] }],
    };
    const watermarks =
      streaming.lateWatermarkMs === undefined
        ? ''
        : `, lateEventsWatermark = ${streaming.lateWatermarkMs}, evictionWatermark = ${streaming.evictionWatermarkMs ?? 0}`;
    return {
      text: `Stage 1 (reduce, ${streaming.numPartitions} state partitions)`,
      children: [
        {
          text: `StatefulAggregate(keys=[${keys.join(', ')}], functions=[${fns.join(', ')}]), StateStore ${streaming.stateProvider} [opId = 0, ver = ${streaming.batchId ?? 0}, numPartitions = ${streaming.numPartitions}], ${capitalize(streaming.outputMode)}${watermarks}`,
          children: [exchange],
        },
      ],
    };
  }
  return { text: describe(plan, registry, false), children: kids };
}

function describe(p: AnalyzedPlan, registry: FunctionRegistry, logical: boolean): string {
  const names = (): string => `[${p.schema.fields.map((f) => f.name).join(', ')}]`;
  switch (p.kind) {
    case 'scan': {
      const opts = Object.entries(p.source.options)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      const where = [...p.source.paths, ...(opts ? [opts] : [])].join(', ');
      return `${p.streaming ? (logical ? 'StreamingRelation' : 'StreamingScan') : 'Scan'} ${p.source.format}${where ? ` [${where}]` : ''} ${names()}`;
    }
    case 'table':
      return `InMemoryTableScan ${p.name} ${names()}`;
    case 'localData':
      return `LocalTableScan ${names()}`;
    case 'range':
      return `Range (${p.start}, ${p.end}, step=${p.step})`;
    case 'project':
      return `Project [${p.exprs.map((e, i) => columnName(e, p.schema.fields[i]?.name, registry)).join(', ')}]`;
    case 'filter':
      return `Filter ${expr(p.condition, registry)}`;
    case 'generate':
      return `Generate ${p.generator}(${p.args.map((a) => expr(a, registry)).join(', ')}), [${p.schema.fields
        .slice(p.input.schema.fields.length)
        .map((f) => f.name)
        .join(', ')}]`;
    case 'timeWindow':
      return `TimeWindow window(${expr(p.time, registry)}, ${p.windowUs}, ${p.slideUs}, ${p.startUs})`;
    case 'watermark': {
      const f = p.schema.fields[p.column];
      const delay = f?.metadata?.[WATERMARK_DELAY_KEY];
      return `EventTimeWatermark ${f?.name ?? p.column}: ${f?.type.kind ?? ''}, ${String(delay ?? p.delayMs)} ms`;
    }
    case 'aggregate':
      return `Aggregate [${p.groupings.map((g) => expr(g, registry)).join(', ')}], [${p.aggregates
        .map((a) => `${a.fn}(${a.args.map((x) => expr(x, registry)).join(', ')})`)
        .join(', ')}]`;
    case 'sort':
      return `Sort [${p.order
        .map((o) => `${expr(o.expr, registry)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`)
        .join(', ')}]`;
    case 'limit':
      return `Limit ${p.limit}`;
    case 'offset':
      return `Offset ${p.offset}`;
    case 'deduplicate':
      return `Deduplicate [${p.keys.map((k) => p.schema.fields[k]?.name ?? k).join(', ')}]`;
    case 'union':
      return 'Union';
    default: {
      const never: never = p;
      return String(never);
    }
  }
}

function expr(e: BoundExpr, registry: FunctionRegistry): string {
  return prettyName(e, registry);
}

function columnName(e: BoundExpr, name: string | undefined, registry: FunctionRegistry): string {
  const text = expr(e, registry);
  return name === undefined || text === name ? text : `${text} AS ${name}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
