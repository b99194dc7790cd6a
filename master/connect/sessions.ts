import { IllegalArgumentError } from '../../engine/errors/errors.js';
import type { MasterRuntime } from '../session/runtime.js';
import type { Session } from '../session/session.js';
import { ConnectErrors } from './errors.js';

/** The session fields every Spark Connect request carries. */
export interface SessionRequest {
  readonly session_id: string;
  readonly user_context: { readonly user_id: string } | null;
  readonly client_observed_server_side_session_id?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

export function sessionKey(userId: string, sessionId: string): string {
  return `${userId}\u0000${sessionId}`;
}

/** Spark Connect's `spark.connect.session.manager.defaultSessionTimeout` (default 60 minutes). */
export const SESSION_TIMEOUT_CONF = 'spark.connect.session.manager.defaultSessionTimeout';
export const DEFAULT_SESSION_TIMEOUT_MS = 60 * 60_000;

const TIME_UNITS_MS: Readonly<Record<string, number>> = { us: 1e-3, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A Spark time conf read in milliseconds (`60m`, `30s`, `500ms`; a bare number is ms), as Spark's timeConf. */
export function timeConfMs(key: string, text: string): number {
  const m = /^(\d+)\s*([a-z]+)?$/.exec(text.trim().toLowerCase());
  const unit = m?.[2] === undefined ? 1 : TIME_UNITS_MS[m[2]];
  if (!m || unit === undefined) {
    throw new IllegalArgumentError(`${key} should be in the time format like 60m, 30s or 500ms, but was ${JSON.stringify(text)}.`);
  }
  return Math.trunc(Number(m[1]) * unit);
}

/**
 * Spark Connect's session manager over the runtime's sessions: sessions are keyed by (user id,
 * session id), created on first use by the RPCs that may create them, and a released session id
 * is refused afterwards (a bounded tombstone list), as in Spark 4. A client that saw another
 * server-side session id is told the session changed (the server restarted). A session no call
 * touched for the session timeout expires as if released (its streaming queries stop): a client
 * that died leaves nothing running for longer than that.
 */
export class ConnectSessions {
  private readonly closed = new Set<string>();
  /** When a call last touched each session this manager handed out. */
  private readonly lastAccess = new Map<string, { readonly userId: string; readonly sessionId: string; at: number }>();

  constructor(
    private readonly runtime: MasterRuntime,
    private readonly maxTombstones = 1000,
  ) {}

  /** For ExecutePlan, AnalyzePlan and Config. */
  getOrCreate(req: SessionRequest): Session {
    const userId = req.user_context?.user_id ?? '';
    let session = this.runtime.findSession(userId, req.session_id);
    if (session === undefined) {
      if (!isUuid(req.session_id)) throw ConnectErrors.badHandleFormat(req.session_id);
      if (this.closed.has(sessionKey(userId, req.session_id))) throw ConnectErrors.sessionClosed(req.session_id);
      session = this.runtime.session(userId, req.session_id);
    }
    this.touch(userId, req.session_id);
    return this.checkObserved(session, req);
  }

  /** For the RPCs that act on an existing session (reattach, release, interrupt). */
  get(req: SessionRequest): Session {
    const userId = req.user_context?.user_id ?? '';
    const session = this.runtime.findSession(userId, req.session_id);
    if (session === undefined) {
      if (this.closed.has(sessionKey(userId, req.session_id))) throw ConnectErrors.sessionClosed(req.session_id);
      throw ConnectErrors.sessionNotFound(req.session_id);
    }
    this.touch(userId, req.session_id);
    return this.checkObserved(session, req);
  }

  /** Marks the session used now (every call, and every sweep that finds it busy). */
  touch(userId: string, sessionId: string): void {
    this.lastAccess.set(sessionKey(userId, sessionId), { userId, sessionId, at: this.runtime.clock.now() });
  }

  /**
   * Releases the sessions no call touched for `timeoutMs` (unless `busy` says a call is still
   * attached to one); returns what expired. The ids are refused afterwards, as after a release.
   */
  async expireIdle(timeoutMs: number, busy: (userId: string, sessionId: string) => boolean): Promise<Session[]> {
    const now = this.runtime.clock.now();
    const expired: Session[] = [];
    for (const [key, access] of [...this.lastAccess]) {
      const session = this.runtime.findSession(access.userId, access.sessionId);
      if (session === undefined) {
        this.lastAccess.delete(key);
      } else if (busy(access.userId, access.sessionId)) {
        access.at = now;
      } else if (now - access.at >= timeoutMs) {
        await this.release(access.userId, access.sessionId, false);
        expired.push(session);
      }
    }
    return expired;
  }

  find(userId: string, sessionId: string): Session | undefined {
    return this.runtime.findSession(userId, sessionId);
  }

  /** Closes the session (stopping its queries); the id is refused from now on unless reconnecting is allowed. */
  async release(userId: string, sessionId: string, allowReconnect: boolean): Promise<Session | undefined> {
    const session = this.runtime.findSession(userId, sessionId);
    if (session === undefined) return undefined;
    if (!allowReconnect) this.tombstone(sessionKey(userId, sessionId));
    this.lastAccess.delete(sessionKey(userId, sessionId));
    await this.runtime.releaseSession(userId, sessionId);
    return session;
  }

  private tombstone(key: string): void {
    this.closed.delete(key);
    this.closed.add(key);
    while (this.closed.size > this.maxTombstones) {
      const oldest = this.closed.values().next();
      if (oldest.done === true) break;
      this.closed.delete(oldest.value);
    }
  }

  private checkObserved(session: Session, req: SessionRequest): Session {
    const observed = req.client_observed_server_side_session_id;
    if (observed !== undefined && observed !== null && observed !== session.serverSideSessionId) {
      throw ConnectErrors.sessionChanged(req.session_id);
    }
    return session;
  }
}
