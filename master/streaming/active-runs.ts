import type { Logger } from 'pino';
import { ConcurrentModificationError, IllegalStateError } from '../../engine/errors/errors.js';
import type { StreamingQuery } from './streaming-query.js';

/** A claimed start: becomes the active run, or is given up if the start fails. */
export interface RunClaim {
  register(q: StreamingQuery): void;
  abandon(): void;
}

/**
 * The master's active runs by query id across all sessions (Spark's
 * `sharedState.activeStreamingQueries`). A new run of an active query stops the older one first
 * (`spark.sql.streaming.stopActiveRunOnRestart`, default true) or is refused as Spark refuses it;
 * two starts of one query at the same time: the second gets CONCURRENT_QUERY. Runs on other
 * masters are kept out by the checkpoint's run lease instead.
 */
export class ActiveRuns {
  private readonly active = new Map<string, StreamingQuery>();
  private readonly starting = new Set<string>();

  get(id: string): StreamingQuery | undefined {
    return this.active.get(id);
  }

  async claim(id: string, stopActiveRun: boolean, log: Logger): Promise<RunClaim> {
    if (this.starting.has(id)) throw ConcurrentModificationError.withClass('CONCURRENT_QUERY');
    const old = this.active.get(id);
    if (old && !stopActiveRun) {
      throw new IllegalStateError(
        `Cannot start query with id ${id} as another query with same id is already active. Perhaps you are attempting to restart a query from checkpoint that is already active. You may stop the old query by setting the SQL configuration: spark.conf.set("spark.sql.streaming.stopActiveRunOnRestart", true) and retry.`,
      );
    }
    this.starting.add(id);
    if (old) {
      log.warn({ oldRunId: old.runId }, `Stopping existing streaming query [id=${id}, runId=${old.runId}], as a new run is being started.`);
      try {
        await old.stop();
      } catch (e) {
        this.starting.delete(id);
        throw e;
      }
    }
    let settled = false;
    return {
      register: (q) => {
        if (settled) return;
        settled = true;
        this.starting.delete(id);
        this.active.set(id, q);
        q.onTermination(() => {
          if (this.active.get(id) === q) this.active.delete(id);
        });
      },
      abandon: () => {
        if (settled) return;
        settled = true;
        this.starting.delete(id);
      },
    };
  }
}
