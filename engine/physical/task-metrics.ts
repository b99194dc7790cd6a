/** Event-time statistics one watermark node saw (ms), combined across tasks by the driver. */
export interface EventTimeStats {
  min: number;
  max: number;
  sum: number;
  count: number;
}

export interface StateOperatorMetrics {
  numRowsTotal: number;
  numRowsUpdated: number;
  numRowsRemoved: number;
  numRowsDroppedByWatermark: number;
  allUpdatesTimeMs: number;
  allRemovalsTimeMs: number;
  commitTimeMs: number;
  memoryUsedBytes: number;
  numStateStoreInstances: number;
}

/** Counters a task fills in; plain data so it can travel back from a worker. */
export interface TaskMetrics {
  numInputRows: number;
  numOutputRows: number;
  /** Keyed by watermark node id (its position in the map stage). */
  eventTime: Record<string, EventTimeStats>;
  state?: StateOperatorMetrics;
}

export function newTaskMetrics(): TaskMetrics {
  return { numInputRows: 0, numOutputRows: 0, eventTime: {} };
}

export function mergeEventTime(into: Record<string, EventTimeStats>, from: Record<string, EventTimeStats>): void {
  for (const [id, s] of Object.entries(from)) {
    const cur = into[id];
    if (!cur) into[id] = { ...s };
    else {
      cur.min = Math.min(cur.min, s.min);
      cur.max = Math.max(cur.max, s.max);
      cur.sum += s.sum;
      cur.count += s.count;
    }
  }
}

export function emptyStateMetrics(): StateOperatorMetrics {
  return {
    numRowsTotal: 0,
    numRowsUpdated: 0,
    numRowsRemoved: 0,
    numRowsDroppedByWatermark: 0,
    allUpdatesTimeMs: 0,
    allRemovalsTimeMs: 0,
    commitTimeMs: 0,
    memoryUsedBytes: 0,
    numStateStoreInstances: 0,
  };
}

export function mergeStateMetrics(a: StateOperatorMetrics, b: StateOperatorMetrics): StateOperatorMetrics {
  return {
    numRowsTotal: a.numRowsTotal + b.numRowsTotal,
    numRowsUpdated: a.numRowsUpdated + b.numRowsUpdated,
    numRowsRemoved: a.numRowsRemoved + b.numRowsRemoved,
    numRowsDroppedByWatermark: a.numRowsDroppedByWatermark + b.numRowsDroppedByWatermark,
    allUpdatesTimeMs: a.allUpdatesTimeMs + b.allUpdatesTimeMs,
    allRemovalsTimeMs: a.allRemovalsTimeMs + b.allRemovalsTimeMs,
    commitTimeMs: a.commitTimeMs + b.commitTimeMs,
    memoryUsedBytes: a.memoryUsedBytes + b.memoryUsedBytes,
    numStateStoreInstances: a.numStateStoreInstances + b.numStateStoreInstances,
  };
}
