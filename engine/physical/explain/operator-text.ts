import { exprNullable } from '../../expr/bound-expr.js';
import type { TimeWindowNode } from '../../plan/analyzed-plan.js';
import { attrList, attrString, exprString, windowStructString, type Attr, type ExprContext } from './expr.js';

// What the logical and the physical trees print alike.

/** The Spark operators a TimeWindow stands for, top first: name and arguments. */
export function timeWindowLines(
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

export function named(text: string, a: Attr): string {
  return text === attrString(a) ? text : `${text} AS ${attrString(a)}`;
}

/** Spark's JoinType names as plans print them. */
export function joinTypeName(t: string): string {
  return { inner: 'Inner', leftOuter: 'LeftOuter', rightOuter: 'RightOuter', fullOuter: 'FullOuter', leftSemi: 'LeftSemi', leftAnti: 'LeftAnti' }[t] ?? t;
}
