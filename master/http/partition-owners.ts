import type { MasterRuntime } from '../session/runtime.js';

/**
 * The latest ownership of each query's state partitions (fed by the scheduler's `rebalanced`
 * event), counted per worker over the queries still active: the UI's "state partitions" column.
 */
export class PartitionOwners {
  private readonly owners = new Map<string, readonly string[]>();

  constructor(private readonly runtime: MasterRuntime | (() => MasterRuntime)) {}

  record(queryId: string, owners: readonly string[]): void {
    this.owners.set(queryId, owners);
  }

  counts(): Map<string, number> {
    const runtime = typeof this.runtime === 'function' ? this.runtime() : this.runtime;
    const active = new Set(runtime.queryDirectory.list().filter((e) => e.query.isActive).map((e) => e.query.id));
    const counts = new Map<string, number>();
    for (const [queryId, list] of this.owners) {
      if (!active.has(queryId)) {
        this.owners.delete(queryId);
        continue;
      }
      for (const w of list) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    return counts;
  }
}
