import type { MemorySink } from './sinks/memory-sink.js';
import type { QueryProgress } from './progress.js';
import type { StreamingQuery } from './streaming-query.js';

/** A query run as the master's UI and HTTP API see it: which session started it, where it writes. */
export interface QueryRunEntry {
  readonly query: StreamingQuery;
  readonly sessionId: string;
  readonly userId: string;
  readonly startedAtMs: number;
  /** `memory` or `console`. */
  readonly sinkFormat: string;
  /** The memory-sink table it writes, if any; gone once its session is released. */
  table: MemorySink | undefined;
  /** The watermark batches run with now (ms since epoch; 0 before any event time). */
  watermarkMs(): number;
  readonly hasWatermark: boolean;
  /** explain() text of the latest batch (what `query.explain()` prints). */
  explain(): string;
}

export type QueryRunEvent =
  | { readonly kind: 'progress'; readonly entry: QueryRunEntry; readonly progress: QueryProgress }
  | { readonly kind: 'terminated'; readonly entry: QueryRunEntry };

/**
 * Every query run on this master, across sessions: the active ones and the last `keepFinished`
 * that ended (also those of released sessions), so the cluster page and `/api/queries` can list,
 * show and stop any of them by id, and listeners hear each progress report as it happens.
 */
export class QueryDirectory {
  private readonly runs: QueryRunEntry[] = [];
  private readonly listeners = new Set<(e: QueryRunEvent) => void>();

  constructor(private readonly keepFinished = 50) {}

  add(entry: QueryRunEntry): void {
    this.runs.push(entry);
    entry.query.onProgress((progress) => this.emit({ kind: 'progress', entry, progress }));
    entry.query.onTermination(() => {
      this.trim();
      this.emit({ kind: 'terminated', entry });
    });
  }

  /**
   * A session was released (its queries stopped first): its runs stay listed, but their memory
   * tables go, as the session's temp views do — no one can query them any more, and 50 finished
   * runs' complete results would otherwise stay in the master's memory.
   */
  sessionReleased(userId: string, sessionId: string): void {
    for (const e of this.runs) {
      if (e.userId !== userId || e.sessionId !== sessionId || e.query.isActive || e.table === undefined) continue;
      e.table.release();
      e.table = undefined;
    }
  }

  /** Active runs first, then finished ones, newest first within each. */
  list(): QueryRunEntry[] {
    const newest = [...this.runs].reverse();
    return [...newest.filter((e) => e.query.isActive), ...newest.filter((e) => !e.query.isActive)];
  }

  /** The active run of query `id`, else its latest run. */
  get(id: string): QueryRunEntry | undefined {
    return this.list().find((e) => e.query.id === id);
  }

  /** The query writing memory table `name` (case-insensitive): its active run, else the latest. */
  byTable(name: string): QueryRunEntry | undefined {
    return this.list().find((e) => e.table?.name.toLowerCase() === name.toLowerCase());
  }

  /**
   * Stops the active run of query `id` from outside its session (HTTP stop button, an orphaned
   * query). False when no run of that id is active.
   */
  async stopQueryById(id: string): Promise<boolean> {
    const entry = this.runs.find((e) => e.query.id === id && e.query.isActive);
    if (entry === undefined) return false;
    await entry.query.stop();
    return true;
  }

  subscribe(listener: (e: QueryRunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: QueryRunEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener (an HTTP stream) failing must not disturb the query.
      }
    }
  }

  private trim(): void {
    const finished = this.runs.filter((e) => !e.query.isActive);
    const excess = finished.length - this.keepFinished;
    for (const e of finished.slice(0, Math.max(0, excess))) this.runs.splice(this.runs.indexOf(e), 1);
  }
}
