import type { WindowNode } from '../plan/analyzed-plan.js';
import type { OperatorSpec } from './operator.js';
import type { WindowConfig } from './window-operator.js';

export function windowSpec(node: WindowNode): OperatorSpec {
  const config: WindowConfig = { partitionBy: node.partitionBy, orderBy: node.orderBy, calls: node.calls, schema: node.schema };
  return Object.freeze({ name: 'Window', config });
}
