import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SourceRegistry } from '../../engine/connectors/index.js';
import { defaultRegistry } from '../../engine/functions/builtin/index.js';
import type { FunctionRegistry } from '../../engine/functions/registry.js';
import { systemClock, type Clock } from '../../engine/util/clock.js';
import type { ClusterExecutor } from '../execution/executor.js';
import { masterSources } from '../sources/index.js';
import { ActiveRuns } from '../streaming/active-runs.js';
import type { CheckpointStoreFactory } from '../streaming/checkpoint/checkpoint-store.js';
import { QueryDirectory } from '../streaming/query-directory.js';
import { defaultConf } from './session-conf.js';
import { GlobalViews } from './session-catalog.js';
import { Session } from './session.js';

export interface RuntimeOptions {
  readonly executor: ClusterExecutor;
  readonly checkpoints: CheckpointStoreFactory;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Server-wide overrides of Spark's defaults (e.g. a checkpoint root from `--checkpoint-dir`). */
  readonly conf?: Readonly<Record<string, string>>;
  readonly sources?: SourceRegistry;
  readonly registry?: FunctionRegistry;
}

/**
 * Everything the master's sessions share: the cluster executor, checkpoint storage, sources,
 * functions, global temp views, and the sessions themselves keyed by (user id, session id).
 */
export class MasterRuntime {
  readonly executor: ClusterExecutor;
  readonly checkpoints: CheckpointStoreFactory;
  readonly log: Logger;
  readonly clock: Clock;
  readonly sources: SourceRegistry;
  readonly registry: FunctionRegistry;
  readonly defaults: Readonly<Record<string, string>>;
  readonly globalViews = new GlobalViews();
  /** Streaming query runs by query id, across sessions: one active run per query on this master. */
  readonly activeRuns = new ActiveRuns();
  /** Every query run across sessions (the UI's list; stop by id from outside a session). */
  readonly queryDirectory = new QueryDirectory();
  private readonly sessions = new Map<string, Session>();

  constructor(options: RuntimeOptions) {
    this.executor = options.executor;
    this.checkpoints = options.checkpoints;
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.sources = options.sources ?? masterSources();
    this.registry = options.registry ?? defaultRegistry;
    this.defaults = { ...defaultConf(), ...(options.conf ?? {}) };
  }

  /** The session for (userId, sessionId), created on first use as Spark Connect does. */
  session(userId: string, sessionId: string): Session {
    const key = `${userId}\u0000${sessionId}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = new Session(this, sessionId, userId, randomUUID());
      this.sessions.set(key, s);
      this.log.info({ sessionId, userId }, 'session created');
    }
    return s;
  }

  findSession(userId: string, sessionId: string): Session | undefined {
    return this.sessions.get(`${userId}\u0000${sessionId}`);
  }

  async releaseSession(userId: string, sessionId: string): Promise<boolean> {
    const key = `${userId}\u0000${sessionId}`;
    const s = this.sessions.get(key);
    if (!s) return false;
    this.sessions.delete(key);
    await s.close();
    this.queryDirectory.sessionReleased(userId, sessionId);
    return true;
  }

  allSessions(): Session[] {
    return [...this.sessions.values()];
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
    this.sessions.clear();
  }
}
