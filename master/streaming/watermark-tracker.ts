import type { EventTimeStats } from '../../engine/physical/task-metrics.js';
import type { WatermarkSpec } from '../../engine/physical/streaming-planner.js';

export type WatermarkPolicy = 'min' | 'max';

/**
 * Spark's WatermarkTracker: each watermark node keeps max(event time) − delay (never decreasing,
 * not persisted); the global watermark is the min (or max) over nodes, an unset node counting as 0,
 * and only ever moves forward. A batch's statistics take effect from the next batch.
 */
export class WatermarkTracker {
  private readonly nodes = new Map<string, number>();

  constructor(
    private readonly specs: readonly WatermarkSpec[],
    private readonly policy: WatermarkPolicy,
    private global: number,
  ) {}

  get currentMs(): number {
    return this.global;
  }

  update(stats: Readonly<Record<string, EventTimeStats>>): void {
    for (const spec of this.specs) {
      const s = stats[spec.id];
      if (!s || s.count === 0) continue;
      const candidate = s.max - spec.delayMs;
      const prev = this.nodes.get(spec.id);
      this.nodes.set(spec.id, prev === undefined ? candidate : Math.max(prev, candidate));
    }
    if (this.specs.length === 0) return;
    const values = this.specs.map((s) => this.nodes.get(s.id) ?? 0);
    const candidate = this.policy === 'min' ? Math.min(...values) : Math.max(...values);
    if (candidate > this.global) this.global = candidate;
  }
}
