import type { PNode } from './physical-tree.js';
import { treeString, type Line } from './tree-text.js';

/** Spark's operator ids for formatted mode: children first, left to right. */
export function operatorIds(root: PNode): Map<PNode, number> {
  const ids = new Map<PNode, number>();
  const walk = (n: PNode): void => {
    n.children.forEach(walk);
    ids.set(n, ids.size + 1);
  };
  walk(root);
  return ids;
}

/** `explain('formatted')`: the tree with `(n)` ids, then each operator's details. */
export function formattedText(root: PNode): string {
  const ids = operatorIds(root);
  const label = (n: PNode): Line => ({ text: `${n.name} (${ids.get(n) ?? '?'})`, children: n.children.map(label) });
  const blocks = [...ids.entries()].map(([n, id]) => [`(${id}) ${n.name}`, ...n.details].join('\n') + '\n');
  return `== Physical Plan ==\n${treeString(label(root))}\n\n${blocks.join('\n')}\n`;
}
