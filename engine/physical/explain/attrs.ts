import { analyzedChildren, type AnalyzedPlan } from '../../plan/analyzed-plan.js';
import type { DataType } from '../../types/data-type.js';
import { watermarkDelayMs, type Schema } from '../../types/schema.js';
import type { Attr } from './expr.js';

/** Column ids, numbered per explain() text, bottom-up. */
export class Ids {
  private next = 0;
  fresh(name: string, type: DataType, delayMs?: number): Attr {
    return { name, id: this.next++, type, delayMs };
  }
}

function fieldAttrs(schema: Schema, ids: Ids): Attr[] {
  return schema.fields.map((f) => ids.fresh(f.name, f.type, watermarkDelayMs(f)));
}

/** The same column keeps its id up the plan; a computed or renamed one gets a new id. */
export function assignAttrs(p: AnalyzedPlan, out: Map<AnalyzedPlan, Attr[]>, ids: Ids): Attr[] {
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
