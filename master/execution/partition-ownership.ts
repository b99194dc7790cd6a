/** Which worker owns each state partition of a query, and the fencing epoch of that ownership. */
export interface Ownership {
  readonly owners: readonly string[];
  readonly epochs: readonly number[];
  /** The run (fencing token) that recorded it; a run never works with a newer run's ownership. */
  readonly run?: number;
}

/**
 * Assigns `numPartitions` partitions to `workers`, moving as few as possible from `previous`:
 * partitions of live owners stay unless their owner holds more than its fair share; orphaned and
 * surplus partitions go to the least-loaded workers. A partition's epoch grows whenever it moves.
 */
export function rebalance(previous: Ownership | undefined, numPartitions: number, workers: readonly string[]): Ownership {
  if (workers.length === 0) throw new Error('no workers to own partitions');
  const sortedWorkers = [...workers].sort();
  const live = new Set(sortedWorkers);
  const owners: (string | undefined)[] = [];
  const epochs: number[] = [];
  for (let p = 0; p < numPartitions; p++) {
    const o = previous?.owners[p];
    owners.push(o !== undefined && live.has(o) ? o : undefined);
    epochs.push(previous?.epochs[p] ?? 0);
  }
  const base = Math.floor(numPartitions / sortedWorkers.length);
  const extra = numPartitions % sortedWorkers.length;
  const load = new Map(sortedWorkers.map((w) => [w, 0]));
  owners.forEach((o) => o !== undefined && load.set(o, (load.get(o) ?? 0) + 1));
  // Workers that currently hold the most get the "+1" quotas, so fewer partitions move.
  const byLoad = [...sortedWorkers].sort((a, b) => (load.get(b) ?? 0) - (load.get(a) ?? 0) || a.localeCompare(b));
  const quota = new Map(byLoad.map((w, i) => [w, base + (i < extra ? 1 : 0)]));
  const held = new Map(sortedWorkers.map((w) => [w, 0]));
  for (let p = 0; p < numPartitions; p++) {
    const o = owners[p];
    if (o === undefined) continue;
    if ((held.get(o) ?? 0) < (quota.get(o) ?? 0)) held.set(o, (held.get(o) ?? 0) + 1);
    else owners[p] = undefined;
  }
  for (let p = 0; p < numPartitions; p++) {
    if (owners[p] !== undefined) continue;
    const target = byLoad.find((w) => (held.get(w) ?? 0) < (quota.get(w) ?? 0)) ?? (byLoad[0] as string);
    held.set(target, (held.get(target) ?? 0) + 1);
    if (previous?.owners[p] !== target) epochs[p] = (epochs[p] ?? 0) + 1;
    owners[p] = target;
  }
  return { owners: owners as string[], epochs };
}

export function movedPartitions(a: Ownership | undefined, b: Ownership): number {
  if (!a) return 0;
  return b.owners.filter((o, p) => a.owners[p] !== o).length;
}
