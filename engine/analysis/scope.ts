import { AnalysisError } from '../errors/errors.js';
import { B, type BoundExpr } from '../expr/bound-expr.js';
import type { AnalyzedPlan } from '../plan/analyzed-plan.js';
import type { StructField } from '../types/data-type.js';
import { quoteIdentifier } from './identifier.js';
import { closestNames } from './suggest.js';

/** An input column as the analyzer sees it: its field plus the relation name that qualifies it. */
export interface ScopeColumn {
  readonly field: StructField;
  readonly qualifier: string | undefined;
  /** The plan ids of the DataFrames the column came from (after a join). */
  readonly planIds?: readonly number[] | undefined;
}

export interface ResolvedName {
  readonly expr: BoundExpr;
  /** The column name Spark gives a reference: the last name part (`window.end` → `end`). */
  readonly name: string;
}

/** The columns visible to expressions over one input node. Lookups are case-insensitive. */
export class Scope {
  constructor(readonly columns: readonly ScopeColumn[]) {}

  static of(
    plan: AnalyzedPlan,
    qualifiers: readonly (string | undefined)[] = [],
    planIds: readonly (readonly number[] | undefined)[] = [],
  ): Scope {
    return new Scope(plan.schema.fields.map((field, i) => ({ field, qualifier: qualifiers[i], planIds: planIds[i] })));
  }

  qualifiers(): (string | undefined)[] {
    return this.columns.map((c) => c.qualifier);
  }

  /** Resolves `a`, `t.a`, `a.field.field`, `t.a.field`; undefined when nothing matches. */
  tryResolve(parts: readonly string[], planId?: number): ResolvedName | undefined {
    const [first, second] = parts;
    if (first === undefined) return undefined;
    if (second !== undefined) {
      const qualified = this.matching((c) => eq(c.qualifier, first) && eq(c.field.name, second));
      if (qualified.length > 0) return this.pick(this.byPlan(qualified, planId), parts.slice(0, 2), parts.slice(2));
    }
    const direct = this.matching((c) => eq(c.field.name, first));
    if (direct.length > 0) return this.pick(this.byPlan(direct, planId), parts.slice(0, 1), parts.slice(1));
    return undefined;
  }

  /** Among same-named columns, the ones from the DataFrame a `df.col` reference names. */
  private byPlan(indices: number[], planId: number | undefined): number[] {
    if (planId === undefined || indices.length < 2) return indices;
    const mine = indices.filter((i) => this.columns[i]?.planIds?.includes(planId) === true);
    return mine.length > 0 ? mine : indices;
  }

  resolve(parts: readonly string[], planId?: number): ResolvedName {
    const r = this.tryResolve(parts, planId);
    if (r) return r;
    throw unresolvedColumn(parts, this.columns.map((c) => c.field.name));
  }

  /** `*` (all columns) or `t.*` / `struct.*`. */
  expandStar(target: readonly string[] | undefined): ResolvedName[] {
    if (target === undefined || target.length === 0) {
      return this.columns.map((c, i) => ({ expr: ref(c, i), name: c.field.name }));
    }
    if (target.length === 1) {
      const q = target[0] as string;
      const byQualifier = this.columns
        .map((c, i) => ({ c, i }))
        .filter(({ c }) => eq(c.qualifier, q))
        .map(({ c, i }) => ({ expr: ref(c, i), name: c.field.name }));
      if (byQualifier.length > 0) return byQualifier;
    }
    const struct = this.tryResolve(target);
    if (struct && struct.expr.type.kind === 'struct') {
      return struct.expr.type.fields.map((f, ordinal) => ({
        expr: B.getField(struct.expr, ordinal, f.name, f.type, true),
        name: f.name,
      }));
    }
    throw new AnalysisError('', {
      errorClass: 'CANNOT_RESOLVE_STAR_EXPAND',
      messageParameters: {
        targetString: quoteIdentifier(target),
        columns: this.columns.map((c) => quoteIdentifier([c.field.name])).join(', '),
      },
    });
  }

  private matching(pred: (c: ScopeColumn) => boolean): number[] {
    const out: number[] = [];
    this.columns.forEach((c, i) => {
      if (pred(c)) out.push(i);
    });
    return out;
  }

  private pick(indices: number[], used: readonly string[], nested: readonly string[]): ResolvedName {
    if (indices.length > 1) {
      throw new AnalysisError('', {
        errorClass: 'AMBIGUOUS_REFERENCE',
        messageParameters: {
          name: quoteIdentifier(used),
          referenceNames: `[${indices
            .map((i) => {
              const c = this.columns[i] as ScopeColumn;
              return quoteIdentifier(c.qualifier ? [c.qualifier, c.field.name] : [c.field.name]);
            })
            .join(', ')}]`,
        },
      });
    }
    const index = indices[0] as number;
    const column = this.columns[index] as ScopeColumn;
    let expr: BoundExpr = ref(column, index);
    let name = column.field.name;
    for (const part of nested) {
      expr = extractField(expr, part, [...used, ...nested.slice(0, nested.indexOf(part))]);
      name = part;
    }
    if (nested.length > 0 && expr.kind === 'getField') name = expr.name;
    return { expr, name };
  }
}

/** `struct.field` with Spark's errors when the child is not a struct or lacks the field. */
export function extractField(child: BoundExpr, fieldName: string, path: readonly string[]): BoundExpr {
  const t = child.type;
  if (t.kind !== 'struct') {
    throw new AnalysisError('', {
      errorClass: 'INVALID_EXTRACT_BASE_FIELD_TYPE',
      messageParameters: { base: quoteIdentifier(path), other: `"${t.kind.toUpperCase()}"` },
    });
  }
  const matches = t.fields.map((f, i) => ({ f, i })).filter(({ f }) => eq(f.name, fieldName));
  const hit = matches[0];
  if (!hit) {
    throw new AnalysisError('', {
      errorClass: 'FIELD_NOT_FOUND',
      messageParameters: {
        fieldName: quoteIdentifier([fieldName]),
        fields: t.fields.map((f) => quoteIdentifier([f.name])).join(', '),
      },
    });
  }
  return B.getField(child, hit.i, hit.f.name, hit.f.type, true);
}

export function unresolvedColumn(parts: readonly string[], candidates: readonly string[]): AnalysisError {
  const objectName = quoteIdentifier(parts);
  const proposal = closestNames(parts.join('.'), candidates).map((n) => quoteIdentifier([n]));
  return proposal.length > 0
    ? new AnalysisError('', {
        errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
        messageParameters: { objectName, proposal: proposal.join(', ') },
      })
    : new AnalysisError('', {
        errorClass: 'UNRESOLVED_COLUMN.WITHOUT_SUGGESTION',
        messageParameters: { objectName },
      });
}

function ref(c: ScopeColumn, index: number): BoundExpr {
  return B.ref(index, c.field.type, c.field.name, c.field.nullable);
}

function eq(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
