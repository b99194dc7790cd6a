import type { StageName, StreamingPlan } from '../streaming-planner.js';
import type { StreamingExplainInfo } from './options.js';
import type { PNode } from './physical-tree.js';

/**
 * Kindling's stages under the physical tree, as the streaming planner cut them (each operator
 * carries the stage `StreamingPlan.stageOf` gives its analyzed node): the map stage (a task per
 * source split, up to the exchange), the reduce stage (a task per worker owning state partitions,
 * over the state store), the driver (what needs the whole result, and the sink).
 */
export function stagesText(root: PNode, s: StreamingExplainInfo, staged: StreamingPlan, ids: Map<PNode, number> | undefined): string {
  const by: Record<StageName, string[]> = { map: [], reduce: [], driver: [] };
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
