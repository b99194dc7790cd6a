import { appendFileSync } from 'node:fs';

/**
 * A batch's timeline for latency work: with `KINDLING_BATCH_TRACE=<file>` in the master's
 * environment every executed batch appends one JSON line (the wall-clock ms at which each step
 * ended), so a trace can be laid beside a client's send and see times. Off, it costs one check.
 */
export class BatchTrace {
  private static readonly file = process.env['KINDLING_BATCH_TRACE'] || undefined;
  private marks: [string, number][] = [];

  static get enabled(): boolean {
    return BatchTrace.file !== undefined;
  }

  /** `step` ended now, or at `at` (a performance.now() reading). */
  mark(step: string, at = performance.now()): void {
    if (BatchTrace.file !== undefined) this.marks.push([step, Math.round((performance.timeOrigin + at) * 10) / 10]);
  }

  flush(batchId: number, extra: Record<string, unknown> = {}): void {
    const file = BatchTrace.file;
    if (file === undefined) return;
    this.mark('end');
    const line = JSON.stringify({ batchId, ...extra, marks: Object.fromEntries(this.marks) });
    this.marks = [];
    try {
      appendFileSync(file, `${line}\n`);
    } catch {
      // A trace that cannot be written must not fail the batch.
    }
  }

  reset(): void {
    this.marks = [];
  }
}
