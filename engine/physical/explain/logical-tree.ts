import type { BoundExpr } from '../../expr/bound-expr.js';
import { analyzedChildren, isStreamingPlan, type AnalyzedPlan } from '../../plan/analyzed-plan.js';
import { simpleString } from '../../types/data-type.js';
import { aggregateString, attrList, attrString, exprString, intervalText, type Attr, type ExprContext } from './expr.js';
import { usedColumns } from '../specs.js';
import { joinTypeName, named, timeWindowLines } from './operator-text.js';
import type { Line } from './tree-text.js';

/**
 * The logical plan with Spark's node names; `~` marks streaming nodes (Spark 4). The optimized
 * plan folds constants and drops what Spark's optimizer drops: no-op projections, the input
 * columns a Generate does not carry, a NOT NULL filter on a column that cannot be null.
 */
export function logicalLines(
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
