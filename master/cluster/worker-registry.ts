import type { Logger } from 'pino';
import type { ClusterSecurity } from '../../infra/grpc/cluster-security.js';
import type { WorkerHandle, WorkerPool } from '../execution/worker-handle.js';
import { RemoteWorker, WorkerUnreachableError } from './remote-worker.js';

export type WorkerState = 'ALIVE' | 'DEAD' | 'DECOMMISSIONED';

export interface WorkerInfo {
  readonly id: string;
  readonly address: string;
  readonly cores: number;
  readonly state: WorkerState;
  readonly registeredAt: number;
  readonly lastHeartbeat: number;
  readonly runningTasks: number;
  /** Resident memory of the worker process at its last heartbeat (0 until reported). */
  readonly rssBytes: number;
}

interface Entry {
  info: WorkerInfo;
  handle: RemoteWorker;
}

export interface WorkerRegistryOptions {
  /** The secret (and TLS) the master presents to workers. */
  readonly security: ClusterSecurity;
  /** A worker with no heartbeat for this long is dead. */
  readonly workerTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * The master's worker registry: registration, heartbeats, liveness. A worker is dead when its
 * heartbeats stop for `workerTimeoutMs`, or at once when a task call finds it unreachable; a dead
 * worker that heartbeats again is told to register again.
 */
export class WorkerRegistry implements WorkerPool {
  private readonly entries = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly listeners: ((id: string, state: WorkerState) => void)[] = [];

  constructor(private readonly options: WorkerRegistryOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.expire(), Math.max(100, Math.floor(options.workerTimeoutMs / 4)));
    this.timer.unref();
  }

  get heartbeatIntervalMs(): number {
    return this.options.heartbeatIntervalMs;
  }

  onChange(listener: (id: string, state: WorkerState) => void): void {
    this.listeners.push(listener);
  }

  register(id: string, address: string, cores: number): void {
    const old = this.entries.get(id);
    // Calls still in flight on the old handle finish (or fail) on their own; close it later.
    if (old) setTimeout(() => old.handle.close(), 120_000).unref();
    const handle = new RemoteWorker(id, address, Math.max(1, cores), this.options.security, () => this.addresses());
    const t = this.now();
    this.entries.set(id, { info: { id, address, cores: Math.max(1, cores), state: 'ALIVE', registeredAt: t, lastHeartbeat: t, runningTasks: 0, rssBytes: 0 }, handle });
    this.options.log.info({ component: 'registry', workerId: id, address, cores, again: old !== undefined }, 'worker registered');
    this.emit(id, 'ALIVE');
  }

  /** False when the worker is unknown or dead (it should register again). */
  heartbeat(id: string, runningTasks: number, rssBytes = 0): boolean {
    const e = this.entries.get(id);
    if (!e || e.info.state !== 'ALIVE') return false;
    e.info = { ...e.info, lastHeartbeat: this.now(), runningTasks, rssBytes };
    return true;
  }

  deregister(id: string): void {
    this.setState(id, 'DECOMMISSIONED', 'worker deregistered');
  }

  live(): readonly WorkerHandle[] {
    return [...this.entries.values()]
      .filter((e) => e.info.state === 'ALIVE')
      .sort((a, b) => a.info.id.localeCompare(b.info.id))
      .map((e) => e.handle);
  }

  suspect(workerId: string, error: unknown): void {
    if (error instanceof WorkerUnreachableError) this.setState(workerId, 'DEAD', `worker unreachable: ${error.message}`);
  }

  workers(): WorkerInfo[] {
    return [...this.entries.values()].map((e) => e.info).sort((a, b) => a.id.localeCompare(b.id));
  }

  addresses(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.entries.values()) if (e.info.state === 'ALIVE') out[e.info.id] = e.info.address;
    return out;
  }

  close(): void {
    clearInterval(this.timer);
    for (const e of this.entries.values()) e.handle.close();
  }

  private expire(): void {
    const t = this.now();
    for (const e of this.entries.values()) {
      if (e.info.state === 'ALIVE' && t - e.info.lastHeartbeat > this.options.workerTimeoutMs) {
        this.setState(e.info.id, 'DEAD', `no heartbeat for ${t - e.info.lastHeartbeat} ms`);
      }
    }
  }

  private setState(id: string, state: WorkerState, reason: string): void {
    const e = this.entries.get(id);
    if (!e || e.info.state === state) return;
    e.info = { ...e.info, state };
    this.options.log.warn({ component: 'registry', workerId: id, state, reason }, `worker ${state.toLowerCase()}`);
    // Its running tasks are lost: their batches retry on the live workers now, not when (if ever)
    // the connection to a vanished peer times out. (A decommissioning worker finishes its tasks.)
    if (state === 'DEAD') e.handle.abandonCalls(`declared dead: ${reason}`);
    this.emit(id, state);
  }

  private emit(id: string, state: WorkerState): void {
    for (const l of this.listeners) l(id, state);
  }
}
