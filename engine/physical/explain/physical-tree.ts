import type { BoundExpr } from '../../expr/bound-expr.js';
import type { ResolveContext } from '../../functions/function.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import type { AggregateNode, AnalyzedPlan, TimeWindowNode } from '../../plan/analyzed-plan.js';
import { simpleString } from '../../types/data-type.js';
import type { StageName } from '../streaming-planner.js';
import type { Ids } from './attrs.js';
import { aggregateString, attrList, attrString, bufferNames, exprString, intervalText, type Attr, type ExprContext } from './expr.js';
import { usedColumns } from '../specs.js';
import { joinTypeName, named, timeWindowLines } from './operator-text.js';
import type { StreamingExplainInfo } from './options.js';
import type { Line } from './tree-text.js';

/** A physical operator as explain() prints it, and the Kindling stage that runs it (streaming). */
export interface PNode {
  readonly name: string;
  /** The line in simple mode. */
  readonly text: string;
  /** The line in extended mode, when it differs (HashAggregate adds `output=`). */
  readonly verbose?: string;
  /** Formatted mode: the lines under `(n) name`. */
  readonly details: readonly string[];
  readonly children: readonly PNode[];
  readonly stage: StageName | undefined;
}

export interface Built {
  readonly node: PNode;
  readonly out: readonly Attr[];
}

/**
 * Spark's physical operators for an analyzed plan. With `streaming` and `stages` (a plan the
 * streaming planner accepted), an aggregation is the stateful one, cut at the exchange.
 */
export class PhysicalBuilder {
  constructor(
    private readonly attrs: ReadonlyMap<AnalyzedPlan, Attr[]>,
    private readonly ids: Ids,
    private readonly registry: FunctionRegistry,
    private readonly resolve: ResolveContext,
    private readonly ctx: ExprContext,
    private readonly streaming: StreamingExplainInfo | undefined,
    private readonly stages: ReadonlyMap<AnalyzedPlan, StageName> | undefined,
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
    const hashAgg = (m: 'partial' | 'merge' | 'final', childNode: PNode, childOut: readonly Attr[], stage: StageName | undefined): PNode => {
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

export function inputLine(attrs: readonly Attr[]): string {
  return `Input [${attrs.length}]: ${attrList(attrs)}`;
}

export function outputLine(attrs: readonly Attr[]): string {
  return `Output [${attrs.length}]: ${attrList(attrs)}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function toLines(n: PNode, verbose = false): Line {
  return { text: verbose ? (n.verbose ?? n.text) : n.text, children: n.children.map((c) => toLines(c, verbose)) };
}
