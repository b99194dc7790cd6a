import type { OutputMode } from '../analysis/streaming-checks.js';
import { exprNullable, type BoundExpr } from '../expr/bound-expr.js';
import type { ResolveContext } from '../functions/function.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { analyzedChildren, isStreamingPlan, type AggregateNode, type AnalyzedPlan, type TimeWindowNode } from '../plan/analyzed-plan.js';
import { simpleString, type DataType } from '../types/data-type.js';
import { watermarkDelayMs, type Schema } from '../types/schema.js';
import {
  aggregateString,
  attrList,
  attrString,
  bufferNames,
  exprString,
  intervalText,
  windowStructString,
  type Attr,
  type ExprContext,
} from './explain-expr.js';
import { planStreamingQuery, type StreamingPlan } from './streaming-planner.js';

/** `df.explain(mode)`: Spark's explain modes. */
export type ExplainMode = 'simple' | 'extended' | 'formatted' | 'codegen' | 'cost';

/** A started query's last planned batch: what Spark's `lastExecution` shows. */
export interface StreamingRunInfo {
  readonly batchId: number;
  readonly runId: string;
  /** The query's checkpoint location; state lives under `<location>/state`. */
  readonly checkpointLocation: string;
  /** The sink's description (`MemorySink`). */
  readonly sink: string;
  /** The source's description (`TextSocketV2[host: localhost, port: 9999]`). */
  readonly source: string;
  /** The batch's late-row watermark (the previous batch's) and eviction watermark (its own). */
  readonly lateWatermarkMs: number;
  readonly evictionWatermarkMs: number;
  readonly batchTimestampMs: number;
}

/** How a streaming plan runs on Kindling: partitions, state store, output mode; `run` once started. */
export interface StreamingExplainInfo {
  readonly numPartitions: number;
  /** The state store provider (`memory`, `redis`). */
  readonly stateProvider: string;
  readonly outputMode: OutputMode;
  readonly run?: StreamingRunInfo;
}

export interface ExplainOptions {
  readonly mode?: ExplainMode;
  /** For a streaming plan: show the incremental plan (state operators, exchange) and Kindling's stages. */
  readonly streaming?: StreamingExplainInfo;
  /** The session's time zone and ANSI flag (literals, aggregate buffers). */
  readonly resolve?: ResolveContext;
  /** What `current_timestamp()` stands for in the optimized and physical plans (a running query: its batch's timestamp). */
  readonly currentTimestampMs?: number;
}

/**
 * The one explain() text: `df.explain(mode)` (AnalyzePlan) and a started query's
 * `explain(extended)` both come here. The physical plan is Spark's tree with Spark's operator
 * names and argument formats (a streaming aggregation as HashAggregate partial / merge /
 * StateStoreRestore / merge / StateStoreSave / final around an `Exchange hashpartitioning`),
 * followed, for a streaming plan, by a `Stages:` block: which operators run in the map stage,
 * which in the reduce stage on the owners of the state partitions (and in which state store),
 * which on the driver. Columns print as `name#id`, ids numbered per text, bottom-up.
 */
export function explainPlan(plan: AnalyzedPlan, registry: FunctionRegistry, options: ExplainOptions = {}): string {
  const mode = options.mode ?? 'simple';
  const resolve = options.resolve ?? { timeZone: 'UTC', ansi: true };
  const ids = new Ids();
  const attrs = new Map<AnalyzedPlan, Attr[]>();
  assignAttrs(plan, attrs, ids);
  const streaming = options.streaming && isStreamingPlan(plan) ? options.streaming : undefined;
  const staged = streaming ? tryPlan(plan, streaming, registry, resolve) : undefined;
  const run = streaming?.run;
  const currentTimestampUs =
    run !== undefined ? run.batchTimestampMs * 1000 : options.currentTimestampMs === undefined ? undefined : options.currentTimestampMs * 1000;
  const optimizedCtx: ExprContext = { timeZone: resolve.timeZone, fold: true, ...(currentTimestampUs === undefined ? {} : { currentTimestampUs }) };
  const stages = staged ? stageMap(plan, staged) : undefined;
  const top = new PhysicalBuilder(attrs, ids, registry, resolve, optimizedCtx, streaming, stages).build(plan, undefined);
  let physical = top.node;
  if (run) {
    const write = `MicroBatchWrite[epoch: ${run.batchId}, writer: ${run.sink}]`;
    physical = {
      name: 'WriteToDataSourceV2',
      text: `WriteToDataSourceV2 ${write}`,
      details: [inputLine(top.out), `Arguments: ${write}`],
      children: [physical],
      stage: 'driver',
    };
  }
  // The stages follow the tree after a blank line (formatted mode: after the operator details).
  const stagesBlock = (formatted: boolean): string => {
    if (!staged || !streaming) return '';
    return `${formatted ? '' : '\n'}${stagesText(physical, streaming, staged, formatted ? operatorIds(physical) : undefined)}`;
  };
  const physicalText = (verbose: boolean): string => `== Physical Plan ==\n${treeString(toLines(physical, verbose))}${stagesBlock(false)}`;

  const logicalCtx: ExprContext = { timeZone: resolve.timeZone };
  const logical = (optimized: boolean, withStats: boolean): Line => {
    const body = logicalLines(plan, attrs, optimized ? optimizedCtx : logicalCtx, optimized, withStats ? stats(plan) : undefined);
    if (!run) return body;
    const root = optimized
      ? `~WriteToDataSourceV2 RelationV2[] ${run.sink}, MicroBatchWrite[epoch: ${run.batchId}, writer: ${run.sink}]`
      : `WriteToMicroBatchDataSource ${run.sink}`;
    return { text: root, children: [body] };
  };

  switch (mode) {
    case 'simple':
      return physicalText(false);
    case 'extended': {
      const analyzed = treeString(logical(false, false));
      return [
        '== Parsed Logical Plan ==',
        analyzed,
        '== Analyzed Logical Plan ==',
        // A query's plan is rooted at its write, which outputs nothing: Spark prints no schema then.
        ...(run ? [] : [schemaLine(plan.schema)]),
        analyzed,
        '== Optimized Logical Plan ==',
        treeString(logical(true, false)),
        physicalText(true),
      ].join('\n');
    }
    case 'cost':
      return ['== Optimized Logical Plan ==', treeString(logical(true, true)), physicalText(true)].join('\n');
    case 'formatted':
      return formattedText(physical) + stagesBlock(true);
    case 'codegen':
      // Kindling interprets its operators (vectorized) and generates no code.
      return `Found 0 WholeStageCodegen subtrees.\n${physicalText(false)}`;
    default: {
      const never: never = mode;
      return String(never);
    }
  }
}

function tryPlan(plan: AnalyzedPlan, s: StreamingExplainInfo, registry: FunctionRegistry, resolve: ResolveContext): StreamingPlan | undefined {
  try {
    return planStreamingQuery(plan, s.outputMode, s.numPartitions, registry, resolve);
  } catch {
    // A plan the streaming planner refuses still explains, unstaged; starting it reports the error.
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Column ids

class Ids {
  private next = 0;
  fresh(name: string, type: DataType, delayMs?: number): Attr {
    return { name, id: this.next++, type, delayMs };
  }
}

function fieldAttrs(schema: Schema, ids: Ids): Attr[] {
  return schema.fields.map((f) => ids.fresh(f.name, f.type, watermarkDelayMs(f)));
}

/** The same column keeps its id up the plan; a computed or renamed one gets a new id. */
function assignAttrs(p: AnalyzedPlan, out: Map<AnalyzedPlan, Attr[]>, ids: Ids): Attr[] {
  const kids = analyzedChildren(p).map((c) => assignAttrs(c, out, ids));
  const input = kids[0] ?? [];
  const fields = p.schema.fields;
  const keep = (a: Attr | undefined, i: number): Attr => {
    const f = fields[i];
    if (!f) throw new Error('schema and attributes disagree');
    return a && a.name === f.name ? { ...a, type: f.type, delayMs: watermarkDelayMs(f) } : ids.fresh(f.name, f.type, watermarkDelayMs(f));
  };
  let attrs: Attr[];
  switch (p.kind) {
    case 'scan':
    case 'table':
    case 'localData':
    case 'range':
      attrs = fieldAttrs(p.schema, ids);
      break;
    case 'project':
      attrs = p.exprs.map((e, i) => keep(e.kind === 'ref' ? input[e.index] : undefined, i));
      break;
    case 'aggregate':
      attrs = fields.map((_, i) => {
        const g = p.groupings[i];
        return keep(g?.kind === 'ref' ? input[g.index] : undefined, i);
      });
      break;
    case 'generate':
    case 'timeWindow':
      attrs = fields.map((_, i) => keep(i < input.length ? input[i] : undefined, i));
      break;
    case 'filter':
    case 'watermark':
    case 'sort':
    case 'limit':
    case 'offset':
    case 'deduplicate':
    case 'union':
    case 'window':
    case 'expand':
    case 'sample':
    case 'tail':
      attrs = fields.map((_, i) => keep(input[i], i));
      break;
    case 'join': {
      const both = [...input, ...(kids[1] ?? [])];
      attrs = fields.map((_, i) => keep(both[i], i));
      break;
    }
    case 'summary':
      attrs = fieldAttrs(p.schema, ids);
      break;
    default: {
      const never: never = p;
      throw new Error(`unknown plan ${JSON.stringify(never)}`);
    }
  }
  out.set(p, attrs);
  return attrs;
}

// ---------------------------------------------------------------------------------------------
// Physical plan

type Stage = 'map' | 'reduce' | 'driver';

interface PNode {
  readonly name: string;
  /** The line in simple mode. */
  readonly text: string;
  /** The line in extended mode, when it differs (HashAggregate adds `output=`). */
  readonly verbose?: string;
  /** Formatted mode: the lines under `(n) name`. */
  readonly details: readonly string[];
  readonly children: readonly PNode[];
  readonly stage: Stage | undefined;
}

interface Built {
  readonly node: PNode;
  readonly out: readonly Attr[];
}

/** Which Kindling stage runs each analyzed node of a staged streaming plan. */
function stageMap(plan: AnalyzedPlan, staged: StreamingPlan): Map<AnalyzedPlan, Stage> {
  const chain: AnalyzedPlan[] = [];
  for (let cur: AnalyzedPlan | undefined = plan; cur; cur = analyzedChildren(cur)[0]) chain.unshift(cur);
  const out = new Map<AnalyzedPlan, Stage>();
  const aggIndex = chain.findIndex((n) => n.kind === 'aggregate');
  // Above the aggregation, the planner's reduce ops after the stateful one run on the state owners.
  const reduceAbove = staged.reduceOps.length - 1;
  chain.forEach((n, i) => {
    if (aggIndex < 0 || i < aggIndex) out.set(n, 'map');
    else if (i === aggIndex) out.set(n, 'reduce');
    else out.set(n, i - aggIndex <= reduceAbove ? 'reduce' : 'driver');
  });
  return out;
}

/**
 * Spark's physical operators for an analyzed plan. With `streaming` and `stages` (a plan the
 * streaming planner accepted), an aggregation is the stateful one, cut at the exchange.
 */
class PhysicalBuilder {
  constructor(
    private readonly attrs: ReadonlyMap<AnalyzedPlan, Attr[]>,
    private readonly ids: Ids,
    private readonly registry: FunctionRegistry,
    private readonly resolve: ResolveContext,
    private readonly ctx: ExprContext,
    private readonly streaming: StreamingExplainInfo | undefined,
    private readonly stages: ReadonlyMap<AnalyzedPlan, Stage> | undefined,
  ) {}

  private attrsOf(p: AnalyzedPlan): Attr[] {
    const a = this.attrs.get(p);
    if (!a) throw new Error('plan node without attributes');
    return a;
  }

  private e(x: BoundExpr, input: readonly Attr[]): string {
    return exprString(x, input, this.ctx);
  }

  private node(p: AnalyzedPlan, name: string, text: string, details: string[], children: PNode[]): PNode {
    return { name, text, details, children, stage: this.stages?.get(p) };
  }

  /** `p`'s operators, and the columns they output (a Generate drops the input columns nobody reads). */
  build(p: AnalyzedPlan, parent: AnalyzedPlan | undefined): Built {
    const out = this.attrsOf(p);
    const streaming = this.streaming;
    switch (p.kind) {
      case 'scan': {
        const run = streaming?.run;
        if (p.streaming && run) {
          const text = `MicroBatchScan${attrList(out)} ${run.source}`;
          return { node: this.node(p, 'MicroBatchScan', text, [outputLine(out), `Arguments: ${attrList(out)}, ${run.source}`], []), out };
        }
        if (p.streaming) {
          const args = `${p.source.format}, ${attrList(out)}`;
          return { node: this.node(p, 'StreamingRelation', `StreamingRelation ${args}`, [outputLine(out), `Arguments: ${args}`], []), out };
        }
        if (p.source.paths.length > 0) {
          const format = FILE_FORMATS[p.source.format.toLowerCase()] ?? p.source.format;
          const location = `InMemoryFileIndex(${p.source.paths.length} paths)[${p.source.paths.join(', ')}]`;
          const read = `ReadSchema: ${simpleString(p.schema)}`;
          const columns = attrList(out).replace(/, /g, ',');
          const text =
            `FileScan ${p.source.format} ${columns} Batched: false, DataFilters: [], Format: ${format}, ` +
            `Location: ${location}, PartitionFilters: [], PushedFilters: [], ${read}`;
          return {
            node: this.node(p, `Scan ${p.source.format}`, text, [outputLine(out), 'Batched: false', `Location: ${location}`, read], []),
            out,
          };
        }
        const opts = Object.entries(p.source.options).map(([k, v]) => `${k}=${v}`);
        const text = `BatchScan ${p.source.format}${attrList(out)}${opts.length ? ` [${opts.join(', ')}]` : ''}`;
        return { node: this.node(p, 'BatchScan', text, [outputLine(out)], []), out };
      }
      case 'table':
        return { node: this.node(p, 'LocalTableScan', `LocalTableScan ${attrList(out)}`, [outputLine(out), `Arguments: ${attrList(out)}`], []), out };
      case 'localData': {
        const args = `${p.batch.numRows === 0 ? '<empty>, ' : ''}${attrList(out)}`;
        return { node: this.node(p, 'LocalTableScan', `LocalTableScan ${args}`, [outputLine(out), `Arguments: ${args}`], []), out };
      }
      case 'range': {
        const text = `Range (${p.start}, ${p.end}, step=${p.step}, splits=1)`;
        return {
          node: this.node(p, 'Range', text, [outputLine(out), `Arguments: Range (${p.start}, ${p.end}, step=${p.step}, splits=Some(1))`], []),
          out,
        };
      }
      case 'project': {
        const child = this.build(p.input, p);
        const input = this.attrsOf(p.input);
        // A projection that re-selects its input's columns in order is a no-op (Spark removes it too).
        const identity =
          p.exprs.length === child.out.length &&
          p.exprs.every((x, i) => x.kind === 'ref' && input[x.index]?.id === child.out[i]?.id && out[i]?.id === child.out[i]?.id);
        if (identity) return { node: child.node, out };
        const list = p.exprs.map((x, i) => named(this.e(x, input), out[i] as Attr));
        const text = list.length === 0 ? 'Project' : `Project [${list.join(', ')}]`;
        return {
          node: this.node(p, 'Project', text, [`Output [${list.length}]: [${list.join(', ')}]`, inputLine(child.out)], [child.node]),
          out,
        };
      }
      case 'filter': {
        const child = this.build(p.input, p);
        const cond = this.e(p.condition, this.attrsOf(p.input));
        return { node: this.node(p, 'Filter', `Filter ${cond}`, [inputLine(child.out), `Condition : ${cond}`], [child.node]), out: child.out };
      }
      case 'generate': {
        const child = this.build(p.input, p);
        const input = this.attrsOf(p.input);
        const used = parent ? usedColumns(parent) : undefined;
        const required = input.filter((_, i) => used === undefined || used.has(i));
        const generated = out.slice(input.length);
        const gen = `${p.generator}(${p.args.map((a) => this.e(a, input)).join(', ')})`;
        const args = `${gen}, ${required.length > 0 ? `${attrList(required)}, ` : ''}${String(p.outer)}, ${attrList(generated)}`;
        return {
          node: this.node(p, 'Generate', `Generate ${args}`, [inputLine(child.out), `Arguments: ${args}`], [child.node]),
          out: [...required, ...generated],
        };
      }
      case 'timeWindow':
        return this.timeWindow(p, out);
      case 'watermark': {
        const child = this.build(p.input, p);
        const input = this.attrsOf(p.input);
        const col = input[p.column] as Attr;
        const args = `${attrString({ ...col, delayMs: undefined })}: ${simpleString(col.type)}, ${intervalText(p.delayMs)}`;
        const details = [inputLine(child.out), `Arguments: ${args}`];
        return { node: this.node(p, 'EventTimeWatermark', `EventTimeWatermark ${args}`, details, [child.node]), out };
      }
      case 'aggregate':
        return this.aggregate(p, out);
      case 'sort': {
        const child = this.build(p.input, p);
        const input = this.attrsOf(p.input);
        const order = p.order.map((o) => `${this.e(o.expr, input)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`);
        const args = `[${order.join(', ')}], true, 0`;
        return { node: this.node(p, 'Sort', `Sort ${args}`, [inputLine(child.out), `Arguments: ${args}`], [child.node]), out: child.out };
      }
      case 'limit':
      case 'offset': {
        const child = this.build(p.input, p);
        const [limit, offset] = p.kind === 'limit' ? [p.limit, 0] : [-1, p.offset];
        const root = parent === undefined && streaming?.run === undefined;
        const name = root ? 'CollectLimit' : 'GlobalLimit';
        const args = root && offset === 0 ? `${limit}` : `${limit}, ${offset}`;
        return { node: this.node(p, name, `${name} ${args}`, [inputLine(child.out), `Arguments: ${args}`], [child.node]), out: child.out };
      }
      case 'deduplicate': {
        // Spark plans dropDuplicates as an aggregate keeping the first value of the other columns.
        const child = this.build(p.input, p);
        const input = this.attrsOf(p.input);
        const keys = p.keys.map((k) => attrString(input[k] as Attr));
        const fns = input.filter((_, i) => !p.keys.includes(i)).map((a) => `first(${attrString(a)}, false)`);
        const text = `HashAggregate(keys=[${keys.join(', ')}], functions=[${fns.join(', ')}])`;
        const details = [
          inputLine(child.out),
          `Keys [${keys.length}]: [${keys.join(', ')}]`,
          `Functions [${fns.length}]: [${fns.join(', ')}]`,
          `Results [${out.length}]: ${attrList(out)}`,
        ];
        return { node: this.node(p, 'HashAggregate', text, details, [child.node]), out };
      }
      case 'union': {
        const kids = p.inputs.map((c) => this.build(c, p));
        return { node: this.node(p, 'Union', 'Union', [], kids.map((k) => k.node)), out };
      }
      case 'join': {
        const kids = [this.build(p.left, p), this.build(p.right, p)];
        const l = this.attrsOf(p.left);
        const r = this.attrsOf(p.right);
        const both = [...l, ...r];
        const keys = (xs: readonly BoundExpr[], attrs: readonly Attr[]): string => `[${xs.map((x) => this.e(x, attrs)).join(', ')}]`;
        const cond = p.condition ? this.e(p.condition, both) : undefined;
        const type = joinTypeName(p.joinType);
        const name = p.leftKeys.length > 0 ? 'BroadcastHashJoin' : 'BroadcastNestedLoopJoin';
        const args =
          p.leftKeys.length > 0
            ? `${keys(p.leftKeys, l)}, ${keys(p.rightKeys, r)}, ${type}, BuildRight, ${cond ?? 'false'}`
            : `BuildRight, ${type}${cond ? `, ${cond}` : ''}`;
        return { node: this.node(p, name, `${name} ${args}`, [`Join type: ${type}`], kids.map((k) => k.node)), out };
      }
      case 'window':
      case 'expand':
      case 'sample':
      case 'tail':
      case 'summary': {
        const child = this.build(p.input, p);
        const name = { window: 'Window', expand: 'Expand', sample: 'Sample', tail: 'CollectTail', summary: 'Summary' }[p.kind];
        return { node: this.node(p, name, name, [inputLine(child.out)], [child.node]), out };
      }
      default: {
        const never: never = p;
        throw new Error(`unknown plan ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Spark's ResolveTimeWindows: a tumbling window is a Project over `Filter isnotnull(time)`;
   * sliding windows an Expand (one projection per window a row can fall in) under a Filter that
   * keeps the windows containing the row's time. Kindling's TimeWindow operator does both at once.
   */
  private timeWindow(p: TimeWindowNode, out: readonly Attr[]): Built {
    const child = this.build(p.input, p);
    const input = this.attrsOf(p.input);
    const lines = timeWindowLines(p, input, out, this.ctx, true);
    let node = child.node;
    for (const l of [...lines].reverse()) {
      const details =
        l.name === 'Filter'
          ? [inputLine(node === child.node ? child.out : out), `Condition : ${l.args}`]
          : l.name === 'Project'
            ? [`Output [${out.length}]: [${l.args.slice(1, -1)}]`, inputLine(child.out)]
            : [inputLine(child.out), `Arguments: ${l.args}`];
      node = this.node(p, l.name, `${l.name} ${l.args}`, details, [node]);
    }
    return { node, out };
  }

  private aggregate(p: AggregateNode, out: readonly Attr[]): Built {
    const child = this.build(p.input, p);
    const input = this.attrsOf(p.input);
    const nKeys = p.groupings.length;
    const keyAttrs = out.slice(0, nKeys);
    const keys = keyAttrs.map(attrString);
    const partialKeys = p.groupings.map((g, i) => {
      const a = keyAttrs[i] as Attr;
      return g.kind === 'ref' && input[g.index]?.id === a.id ? attrString(a) : `${this.e(g, input)} AS ${attrString(a)}`;
    });
    const buffers = p.aggregates.flatMap((c) => {
      const entry = this.registry.lookup(c.fn);
      const slots = entry?.kind === 'aggregate' ? entry.fn.resolve(c.args, c.distinct, this.resolve).buffer : [];
      const names = bufferNames(c.fn, slots.length);
      return slots.map((s, j) => this.ids.fresh(names[j] ?? c.fn, s.type));
    });
    const fns = (m: 'partial' | 'merge' | 'final'): string[] => p.aggregates.map((c) => aggregateString(c, input, this.ctx, m));
    const results = [...keyAttrs, ...buffers];
    const hashAgg = (m: 'partial' | 'merge' | 'final', childNode: PNode, childOut: readonly Attr[], stage: Stage | undefined): PNode => {
      const k = m === 'partial' ? partialKeys : keys;
      const f = fns(m);
      const text = `HashAggregate(keys=[${k.join(', ')}], functions=[${f.join(', ')}])`;
      const output = m === 'final' ? out : results;
      // The final aggregate's values (`count(1)#6L`), renamed to the output columns in its results.
      const aggAttrs =
        m === 'final' ? p.aggregates.map((c, i) => this.ids.fresh(aggregateString(c, input, this.ctx, 'final'), out[nKeys + i]?.type ?? c.type)) : buffers;
      const finalResults =
        m === 'final' ? [...keys, ...aggAttrs.map((a, i) => `${attrString(a)} AS ${attrString(out[nKeys + i] as Attr)}`)] : results.map(attrString);
      return {
        name: 'HashAggregate',
        text,
        verbose: `HashAggregate(keys=[${k.join(', ')}], functions=[${f.join(', ')}], output=${attrList(output)})`,
        details: [
          inputLine(childOut),
          `Keys [${k.length}]: [${k.join(', ')}]`,
          `Functions [${f.length}]: [${f.join(', ')}]`,
          `Aggregate Attributes [${aggAttrs.length}]: ${attrList(aggAttrs)}`,
          `Results [${finalResults.length}]: [${finalResults.join(', ')}]`,
        ],
        children: [childNode],
        stage,
      };
    };
    const streaming = this.streaming;
    if (!streaming || !this.stages) {
      // A batch aggregation runs in one pipeline on the driver: partial, then final.
      const partial = hashAgg('partial', child.node, child.out, undefined);
      return { node: hashAgg('final', partial, results, undefined), out };
    }
    const partial = hashAgg('partial', child.node, child.out, 'map');
    const exchangeArgs =
      nKeys === 0
        ? 'SinglePartition, ENSURE_REQUIREMENTS'
        : `hashpartitioning(${keys.join(', ')}, ${streaming.numPartitions}), REQUIRED_BY_STATEFUL_OPERATOR`;
    const exchange: PNode = {
      name: 'Exchange',
      text: `Exchange ${exchangeArgs}`,
      details: [inputLine(results), `Arguments: ${exchangeArgs}`],
      children: [partial],
      stage: 'map',
    };
    const run = streaming.run;
    const checkpoint = run ? `${run.checkpointLocation.replace(/\/+$/, '')}/state` : '<unknown>';
    const stateInfo =
      `state info [ checkpoint = ${checkpoint}, runId = ${run?.runId ?? '<unknown>'}, opId = 0, ` +
      `ver = ${run?.batchId ?? 0}, numPartitions = ${streaming.numPartitions}]`;
    const keyPrefix = nKeys === 0 ? '' : `[${keys.join(', ')}], `;
    const state = (name: 'StateStoreRestore' | 'StateStoreSave', childNode: PNode): PNode => {
      const MIN_LONG = '-9223372036854775808';
      const watermarks = run ? `${run.lateWatermarkMs}, ${run.evictionWatermarkMs}` : `${MIN_LONG}, ${MIN_LONG}`;
      const mode = run ? capitalize(streaming.outputMode) : 'Append';
      const args = name === 'StateStoreRestore' ? `${keyPrefix}${stateInfo}, 2` : `${keyPrefix}${stateInfo}, ${mode}, ${watermarks}, 2`;
      return { name, text: `${name} ${args}`, details: [inputLine(results), `Arguments: ${args}`], children: [childNode], stage: 'reduce' };
    };
    const merge1 = hashAgg('merge', exchange, results, 'reduce');
    const restore = state('StateStoreRestore', merge1);
    const merge2 = hashAgg('merge', restore, results, 'reduce');
    const save = state('StateStoreSave', merge2);
    return { node: hashAgg('final', save, results, 'reduce'), out };
  }
}

const FILE_FORMATS: Readonly<Record<string, string>> = { text: 'Text', json: 'JSON', csv: 'CSV', parquet: 'Parquet', orc: 'ORC' };

/** The Spark operators a TimeWindow stands for, top first: name and arguments. */
function timeWindowLines(
  p: TimeWindowNode,
  input: readonly Attr[],
  out: readonly Attr[],
  ctx: ExprContext,
  optimized: boolean,
): { name: 'Project' | 'Filter' | 'Expand'; args: string }[] {
  const time = exprString(p.time, input, ctx);
  const windowAttr = out[out.length - 1] as Attr;
  const struct = (i: number): string => windowStructString(time, p.time.type, p.windowUs, p.slideUs, p.startUs, i);
  const nullable = exprNullable(p.time);
  const notNull = { name: 'Filter' as const, args: `isnotnull(${time})` };
  if (p.windowUs === p.slideUs) {
    const project = { name: 'Project' as const, args: `[${[...input.map(attrString), `${struct(0)} AS ${attrString(windowAttr)}`].join(', ')}]` };
    return !optimized || nullable ? [project, notNull] : [project];
  }
  const n = Math.ceil(p.windowUs / p.slideUs);
  const projections = Array.from({ length: n }, (_, i) => `[${[...input.map(attrString), struct(i)].join(', ')}]`);
  const expand = { name: 'Expand' as const, args: `[${projections.join(', ')}], ${attrList(out)}` };
  if (p.windowUs % p.slideUs !== 0) {
    const w = attrString(windowAttr);
    return [{ name: 'Filter', args: `((${time} >= ${w}.start) AND (${time} < ${w}.end))` }, expand];
  }
  return !optimized || nullable ? [notNull, expand] : [expand];
}

/** Input columns a node's expressions read (undefined: all of them), as the Generate spec decides what it keeps. */
function usedColumns(node: AnalyzedPlan): Set<number> | undefined {
  if (node.kind !== 'project') return undefined;
  const used = new Set<number>();
  const walk = (e: BoundExpr): void => {
    if (e.kind === 'ref') used.add(e.index);
    else if (e.kind === 'call') e.args.forEach(walk);
    else if (e.kind === 'cast' || e.kind === 'getField') walk(e.expr);
  };
  node.exprs.forEach(walk);
  return used;
}

function named(text: string, a: Attr): string {
  return text === attrString(a) ? text : `${text} AS ${attrString(a)}`;
}

function inputLine(attrs: readonly Attr[]): string {
  return `Input [${attrs.length}]: ${attrList(attrs)}`;
}

function outputLine(attrs: readonly Attr[]): string {
  return `Output [${attrs.length}]: ${attrList(attrs)}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Stages

/**
 * Kindling's stages under the physical tree: the map stage (a task per source split, up to the
 * exchange), the reduce stage (a task per worker owning state partitions, over the state store),
 * the driver (what needs the whole result, and the sink).
 */
function stagesText(root: PNode, s: StreamingExplainInfo, staged: StreamingPlan, ids: Map<PNode, number> | undefined): string {
  const by: Record<Stage, string[]> = { map: [], reduce: [], driver: [] };
  const walk = (n: PNode): void => {
    n.children.forEach(walk);
    if (n.stage) by[n.stage].push(ids ? `${n.name} (${ids.get(n) ?? '?'})` : n.name);
  };
  walk(root);
  const lines = ['Stages:', `  Stage 0 (map, a task per source split): ${by.map.join(', ')}`];
  if (staged.exchange) {
    lines.push(
      `  Stage 1 (reduce, a task per owner of the ${s.numPartitions} state partitions, StateStore ${s.stateProvider}): ${by.reduce.join(', ')}`,
    );
  }
  if (by.driver.length > 0) lines.push(`  Driver${staged.completeResult ? ' (complete result)' : ''}: ${by.driver.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Text

interface Line {
  readonly text: string;
  readonly children: readonly Line[];
}

function toLines(n: PNode, verbose = false): Line {
  return { text: verbose ? (n.verbose ?? n.text) : n.text, children: n.children.map((c) => toLines(c, verbose)) };
}

/** Spark's `treeString`: `+- ` before the last child, `:- ` before the others. */
function treeString(root: Line): string {
  const out: string[] = [];
  const walk = (l: Line, prefix: string, childPrefix: string): void => {
    out.push(prefix + l.text);
    l.children.forEach((c, i) => {
      const last = i === l.children.length - 1;
      walk(c, `${childPrefix}${last ? '+- ' : ':- '}`, `${childPrefix}${last ? '   ' : ':  '}`);
    });
  };
  walk(root, '', '');
  return out.join('\n') + '\n';
}

/** Spark's operator ids for formatted mode: children first, left to right. */
function operatorIds(root: PNode): Map<PNode, number> {
  const ids = new Map<PNode, number>();
  const walk = (n: PNode): void => {
    n.children.forEach(walk);
    ids.set(n, ids.size + 1);
  };
  walk(root);
  return ids;
}

/** `explain('formatted')`: the tree with `(n)` ids, then each operator's details. */
function formattedText(root: PNode): string {
  const ids = operatorIds(root);
  const label = (n: PNode): Line => ({ text: `${n.name} (${ids.get(n) ?? '?'})`, children: n.children.map(label) });
  const blocks = [...ids.entries()].map(([n, id]) => [`(${id}) ${n.name}`, ...n.details].join('\n') + '\n');
  return `== Physical Plan ==\n${treeString(label(root))}\n\n${blocks.join('\n')}\n`;
}

function schemaLine(schema: Schema): string {
  return schema.fields.map((f) => `${f.name}: ${simpleString(f.type)}`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Logical plans

/**
 * The logical plan with Spark's node names; `~` marks streaming nodes (Spark 4). The optimized
 * plan folds constants and drops what Spark's optimizer drops: no-op projections, the input
 * columns a Generate does not carry, a NOT NULL filter on a column that cannot be null.
 */
function logicalLines(
  plan: AnalyzedPlan,
  attrs: ReadonlyMap<AnalyzedPlan, Attr[]>,
  ctx: ExprContext,
  optimized: boolean,
  statistics: ReadonlyMap<AnalyzedPlan, string> | undefined,
): Line {
  const walk = (p: AnalyzedPlan, parent: AnalyzedPlan | undefined): { line: Line; out: readonly Attr[] } => {
    const built = analyzedChildren(p).map((c) => walk(c, p));
    const kids = built.map((b) => b.line);
    const out = attrs.get(p) ?? [];
    const first = analyzedChildren(p)[0];
    const input = first ? (attrs.get(first) ?? []) : [];
    const mark = isStreamingPlan(p) ? '~' : '';
    const stat = statistics?.get(p);
    const chain = (texts: readonly string[], effective: readonly Attr[] = out): { line: Line; out: readonly Attr[] } => {
      let line: Line | undefined;
      for (let i = texts.length - 1; i >= 0; i--) {
        line = { text: `${mark}${texts[i] ?? ''}${stat ? `, ${stat}` : ''}`, children: line ? [line] : kids };
      }
      return { line: line ?? { text: '', children: kids }, out: effective };
    };
    const e = (x: BoundExpr): string => exprString(x, input, ctx);
    switch (p.kind) {
      case 'scan':
        if (p.streaming) {
          const opts = Object.entries(p.source.options).map(([k, v]) => `${k}=${v}`);
          return chain([`StreamingRelation ${p.source.format}, ${opts.length ? `[${opts.join(', ')}], ` : ''}${attrList(out)}`]);
        }
        return chain([`Relation ${attrList(out).replace(/, /g, ',')} ${p.source.format}`]);
      case 'table':
        return chain([`MemoryPlan ${p.name}, ${attrList(out)}`]);
      case 'localData':
        return chain([`LocalRelation ${p.batch.numRows === 0 ? '<empty>, ' : ''}${attrList(out)}`]);
      case 'range':
        return chain([`Range (${p.start}, ${p.end}, step=${p.step}, splits=Some(1))`]);
      case 'project': {
        const childOut = built[0]?.out ?? [];
        const identity =
          optimized &&
          p.exprs.length === childOut.length &&
          p.exprs.every((x, i) => x.kind === 'ref' && input[x.index]?.id === childOut[i]?.id && out[i]?.id === childOut[i]?.id);
        if (identity && built[0]) return { line: built[0].line, out };
        const list = p.exprs.map((x, i) => named(e(x), out[i] as Attr));
        return chain([list.length === 0 ? 'Project' : `Project [${list.join(', ')}]`]);
      }
      case 'filter':
        return chain([`Filter ${e(p.condition)}`], built[0]?.out ?? out);
      case 'generate': {
        const gen = `${p.generator}(${p.args.map(e).join(', ')})`;
        const generated = out.slice(input.length);
        if (!optimized) return chain([`Generate ${gen}, ${String(p.outer)}, ${attrList(generated)}`]);
        const used = parent ? usedColumns(parent) : undefined;
        const unrequired = input.map((_, i) => i).filter((i) => used !== undefined && !used.has(i));
        const required = input.filter((_, i) => !unrequired.includes(i));
        const pruned = unrequired.length > 0 ? `[${unrequired.join(', ')}], ` : '';
        return chain([`Generate ${gen}, ${pruned}${String(p.outer)}, ${attrList(generated)}`], [...required, ...generated]);
      }
      case 'timeWindow':
        return chain(timeWindowLines(p, input, out, ctx, optimized).map((l) => `${l.name} ${l.args}`));
      case 'watermark': {
        const col = input[p.column] as Attr;
        return chain([`EventTimeWatermark ${attrString({ ...col, delayMs: undefined })}: ${simpleString(col.type)}, ${intervalText(p.delayMs)}`]);
      }
      case 'aggregate': {
        const n = p.groupings.length;
        const outputs = [
          ...p.groupings.map((g, i) => named(e(g), out[i] as Attr)),
          ...p.aggregates.map((c, i) => `${aggregateString(c, input, ctx, 'final')} AS ${attrString(out[n + i] as Attr)}`),
        ];
        // Spark leaves out an empty argument list: a global aggregate prints only its outputs.
        const groups = n === 0 ? '' : `[${p.groupings.map(e).join(', ')}], `;
        return chain([`Aggregate ${groups}[${outputs.join(', ')}]`]);
      }
      case 'sort':
        return chain(
          [`Sort [${p.order.map((o) => `${e(o.expr)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}], true`],
          built[0]?.out ?? out,
        );
      case 'limit':
        return chain([`GlobalLimit ${p.limit}`, `LocalLimit ${p.limit}`], built[0]?.out ?? out);
      case 'offset':
        return chain([`Offset ${p.offset}`], built[0]?.out ?? out);
      case 'deduplicate':
        return chain([`Deduplicate [${p.keys.map((k) => attrString(input[k] as Attr)).join(', ')}]`]);
      case 'union':
        return chain(['Union false, false']);
      case 'join': {
        const right = attrs.get(p.right) ?? [];
        const both = [...input, ...right];
        const keys = p.leftKeys.map((k, i) => `(${exprString(k, input, ctx)} = ${exprString(p.rightKeys[i] as BoundExpr, right, ctx)})`);
        const cond = [...keys, ...(p.condition ? [exprString(p.condition, both, ctx)] : [])].join(' AND ');
        return chain([`Join ${joinTypeName(p.joinType)}${cond ? `, ${cond}` : ''}`]);
      }
      case 'window':
        return chain([`Window [${out.slice(input.length).map(attrString).join(', ')}]`]);
      case 'expand':
        return chain([`Expand ${p.projections.length} projections, ${attrList(out)}`]);
      case 'sample':
        return chain([`Sample ${p.lowerBound}, ${p.upperBound}, ${String(p.withReplacement)}, ${p.seed}`]);
      case 'tail':
        return chain([`Tail ${p.limit}`]);
      case 'summary':
        return chain([`Summary [${p.statistics.join(', ')}]`]);
      default: {
        const never: never = p;
        throw new Error(`unknown plan ${JSON.stringify(never)}`);
      }
    }
  };
  return walk(plan, undefined).line;
}

// ---------------------------------------------------------------------------------------------
// Statistics (explain('cost')): Spark's size-only estimates

const UNKNOWN_SIZE = (1n << 63n) - 1n;

function defaultSize(t: DataType): bigint {
  switch (t.kind) {
    case 'null':
    case 'boolean':
    case 'byte':
      return 1n;
    case 'short':
      return 2n;
    case 'integer':
    case 'float':
    case 'date':
      return 4n;
    case 'long':
    case 'double':
    case 'timestamp':
    case 'timestamp_ntz':
      return 8n;
    case 'string':
      return 20n;
    case 'binary':
      return 100n;
    case 'array':
      return defaultSize(t.elementType);
    case 'map':
      return defaultSize(t.keyType) + defaultSize(t.valueType);
    case 'struct':
      return t.fields.reduce((s, f) => s + defaultSize(f.type), 0n);
    default:
      return 8n;
  }
}

function rowSize(schema: Schema): bigint {
  return 8n + schema.fields.reduce((s, f) => s + defaultSize(f.type), 0n);
}

function stats(plan: AnalyzedPlan): Map<AnalyzedPlan, string> {
  const out = new Map<AnalyzedPlan, string>();
  const size = (p: AnalyzedPlan): { bytes: bigint; rows?: bigint } => {
    const kids = analyzedChildren(p).map(size);
    const child = kids[0];
    const scaled = (): bigint => {
      const input = analyzedChildren(p)[0];
      if (!child || !input) return UNKNOWN_SIZE;
      const b = (child.bytes * rowSize(p.schema)) / rowSize(input.schema);
      return b > 0n ? b : 1n;
    };
    let r: { bytes: bigint; rows?: bigint };
    switch (p.kind) {
      case 'scan':
      case 'table':
        r = { bytes: UNKNOWN_SIZE };
        break;
      case 'localData':
        r = { bytes: rowSize(p.schema) * BigInt(p.batch.numRows) };
        break;
      case 'range': {
        const n = BigInt(Math.max(0, Math.ceil((p.end - p.start) / p.step)));
        r = { bytes: 8n * n, rows: n };
        break;
      }
      case 'aggregate':
        r = p.groupings.length === 0 ? { bytes: rowSize(p.schema), rows: 1n } : { bytes: scaled() };
        break;
      case 'timeWindow':
        r = { bytes: scaled() * BigInt(Math.ceil(p.windowUs / p.slideUs)) };
        break;
      case 'limit':
        r = { bytes: rowSize(p.schema) * BigInt(p.limit), rows: BigInt(p.limit) };
        break;
      case 'union':
        r = { bytes: kids.reduce((s, k) => s + k.bytes, 0n) };
        break;
      default:
        r = { bytes: scaled() };
    }
    out.set(p, `Statistics(sizeInBytes=${bytesToString(r.bytes)}${r.rows === undefined ? '' : `, rowCount=${r.rows}`})`);
    return r;
  };
  size(plan);
  return out;
}

/** Spark's `Utils.bytesToString`: `80.0 B`, `2.0 KiB`, `8.0 EiB`. */
function bytesToString(size: bigint): string {
  const units: [bigint, string][] = [
    [1n << 60n, 'EiB'],
    [1n << 50n, 'PiB'],
    [1n << 40n, 'TiB'],
    [1n << 30n, 'GiB'],
    [1n << 20n, 'MiB'],
    [1n << 10n, 'KiB'],
  ];
  if (size >= (1n << 11n) * (1n << 60n)) return `${Number(size).toExponential(2)} B`;
  for (const [unit, name] of units) {
    if (size >= 2n * unit) return `${(Number(size) / Number(unit)).toFixed(1)} ${name}`;
  }
  return `${Number(size).toFixed(1)} B`;
}

/** Spark's JoinType names as plans print them. */
function joinTypeName(t: string): string {
  return { inner: 'Inner', leftOuter: 'LeftOuter', rightOuter: 'RightOuter', fullOuter: 'FullOuter', leftSemi: 'LeftSemi', leftAnti: 'LeftAnti' }[t] ?? t;
}
