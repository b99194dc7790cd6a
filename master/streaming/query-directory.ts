import type { StreamingQuery } from './streaming-query.js';

/** Who started a query run: the Spark Connect session and user. */
export interface QueryOwner {
  readonly sessionId: string;
  readonly userId: string;
}

/** One query run as the master's operators see it (the HTTP API and the UI list these). */
export interface QueryRunInfo {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly sessionId: string;
  readonly userId: string;
  readonly state: 'active' | 'stopped' | 'failed';
  /** The status message (Spark's `status.message`). */
  readonly message: string;
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
  readonly lastBatchId: number | null;
  /** The failure's message, when it failed. */
  readonly exception: string | null;
}

interface Entry {
  readonly query: StreamingQuery;
  readonly owner: QueryOwner;
  readonly startedAtMs: number;
  endedAtMs: number | null;
}

/** Ended runs kept for listing, newest last (Spark's UI keeps `spark.sql.streaming.ui.retainedQueries`, 100). */
export const RETAINED_ENDED_RUNS = 100;

/**
 * Every streaming query run on this master, whatever session started it: the active runs and the
 * last RETAINED_ENDED_RUNS that ended. Sessions register their runs; a released or expired
 * session's runs stay listed as stopped, so an operator can see what a vanished client left.
 */
export class QueryDirectory {
  private readonly runs = new Map<string, Entry>();
  private readonly ended: string[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  track(query: StreamingQuery, owner: QueryOwner): void {
    const entry: Entry = { query, owner, startedAtMs: this.now(), endedAtMs: null };
    this.runs.set(query.runId, entry);
    query.onTermination(() => {
      entry.endedAtMs = this.now();
      this.ended.push(query.runId);
      while (this.ended.length > RETAINED_ENDED_RUNS) this.runs.delete(this.ended.shift() as string);
    });
  }

  /** Active runs first, then ended ones, newest first within each. */
  list(): QueryRunInfo[] {
    const all = [...this.runs.values()].map(info);
    const active = all.filter((r) => r.state === 'active').reverse();
    const ended = all.filter((r) => r.state !== 'active').sort((a, b) => (b.endedAtMs ?? 0) - (a.endedAtMs ?? 0));
    return [...active, ...ended];
  }

  /** The active run of query `id` (a query id, as Spark's; at most one run of it is active). */
  active(id: string): StreamingQuery | undefined {
    for (const e of this.runs.values()) if (e.query.id === id && e.query.isActive) return e.query;
    return undefined;
  }

  info(runId: string): QueryRunInfo | undefined {
    const e = this.runs.get(runId);
    return e === undefined ? undefined : info(e);
  }
}

function info(e: Entry): QueryRunInfo {
  const q = e.query;
  const failure = q.exception();
  const progress = q.recentProgress();
  const lastBatch = [...progress].reverse().find((p) => p.durationMs['addBatch'] !== undefined);
  return {
    id: q.id,
    runId: q.runId,
    name: q.name,
    sessionId: e.owner.sessionId,
    userId: e.owner.userId,
    state: q.isActive ? 'active' : failure ? 'failed' : 'stopped',
    message: q.status().message,
    startedAtMs: e.startedAtMs,
    endedAtMs: e.endedAtMs,
    lastBatchId: lastBatch?.batchId ?? null,
    exception: failure ? failure.message : null,
  };
}
