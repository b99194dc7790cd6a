import { prng } from './input.js';

/** The faults the chaos suite injects (issue 8). */
export const FAULT_KINDS = [
  'worker-kill9',
  'worker-sigterm',
  'worker-sigstop',
  'master-kill9',
  'redis-kill9',
  'worker-partition',
  'client-collect-kill',
  'second-run',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  readonly kind: FaultKind;
  /** Milliseconds after the fault window opens. */
  readonly atMs: number;
}

/** `perKind` faults of every kind at seeded uniform times over `windowMs`, in time order. */
export function faultSchedule(seed: number, windowMs: number, perKind: number, kinds: readonly FaultKind[] = FAULT_KINDS): PlannedFault[] {
  const rnd = prng(seed ^ 0x5eed);
  const out: PlannedFault[] = [];
  // Every kind draws its times even when left out, so a subset keeps the full schedule's times.
  for (const kind of FAULT_KINDS) {
    for (let i = 0; i < perKind; i++) {
      const atMs = Math.floor(rnd() * windowMs);
      if (kinds.includes(kind)) out.push({ kind, atMs });
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs || FAULT_KINDS.indexOf(a.kind) - FAULT_KINDS.indexOf(b.kind));
}

/** Nearest-rank percentile of `xs` (p in 0..100); NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** `a,b,c` → fault kinds; every kind when empty. */
export function parseKinds(text: string | undefined): FaultKind[] {
  if (!text) return [...FAULT_KINDS];
  const kinds = text.split(',').map((k) => k.trim()).filter(Boolean);
  for (const k of kinds) if (!(FAULT_KINDS as readonly string[]).includes(k)) throw new Error(`unknown fault kind ${k}; kinds: ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}
