import type { Expr } from '../expr/expr.js';
import type { AnalyzerContext } from './context.js';
import { quote } from './project.js';
import type { Resolved } from './resolved.js';
import { resolveProjectWithWindows } from './window.js';

/** `withColumns`: existing columns replaced in place (by case-insensitive name), new ones appended. */
export function resolveWithColumns(
  ctx: AnalyzerContext,
  input: Resolved,
  columns: readonly { readonly name: string; readonly expr: Expr }[],
): Resolved {
  const fields = input.plan.schema.fields;
  const exprs: Expr[] = fields.map((f) => ({ kind: 'column', name: quote(f.name) }));
  for (const c of columns) {
    const aliased: Expr = { kind: 'alias', expr: c.expr, names: [c.name] };
    const at = fields.findIndex((f) => f.name.toLowerCase() === c.name.toLowerCase());
    if (at >= 0) exprs[at] = aliased;
    else exprs.push(aliased);
  }
  const out = resolveProjectWithWindows(ctx, input, exprs);
  return { plan: out.plan, qualifiers: out.plan.schema.fields.map((_, i) => input.qualifiers[i]) };
}
