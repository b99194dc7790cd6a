import { IllegalArgumentError } from '../../engine/errors/errors.js';
import { triggerIntervalMillis } from '../../engine/types/interval.js';

/** When a query runs its batches (Spark's Trigger). The default is processingTime(0). */
export type Trigger =
  | { readonly kind: 'processingTime'; readonly intervalMs: number }
  | { readonly kind: 'once' }
  | { readonly kind: 'availableNow' };

export const DEFAULT_TRIGGER: Trigger = { kind: 'processingTime', intervalMs: 0 };

export function processingTime(interval: string): Trigger {
  const intervalMs = triggerIntervalMillis(interval);
  if (intervalMs < 0) throw new IllegalArgumentError('the interval of trigger should not be negative');
  return { kind: 'processingTime', intervalMs };
}

/** The next attempt time for a processing-time trigger: aligned to multiples of the interval. */
export function nextTriggerTime(nowMs: number, intervalMs: number): number {
  if (intervalMs <= 0) return nowMs;
  return Math.floor(nowMs / intervalMs) * intervalMs + intervalMs;
}

export function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case 'processingTime':
      return `ProcessingTimeTrigger(${t.intervalMs})`;
    case 'once':
      return 'OneTimeTrigger';
    case 'availableNow':
      return 'AvailableNowTrigger';
    default: {
      const never: never = t;
      return String(never);
    }
  }
}
