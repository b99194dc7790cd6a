import { simpleString } from '../../types/data-type.js';
import type { Schema } from '../../types/schema.js';

/** One line of a plan tree and the lines under it. */
export interface Line {
  readonly text: string;
  readonly children: readonly Line[];
}

/** Spark's `treeString`: `+- ` before the last child, `:- ` before the others. */
export function treeString(root: Line): string {
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

export function schemaLine(schema: Schema): string {
  return schema.fields.map((f) => `${f.name}: ${simpleString(f.type)}`).join(', ');
}
