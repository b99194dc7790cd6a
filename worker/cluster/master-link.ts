import type { ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { loadCluster, type MasterServiceClient } from '../../proto/load.js';
import { clusterChannelCredentials, type ClusterSecurity } from '../../infra/grpc/cluster-security.js';
import { CLUSTER_CHANNEL_OPTIONS } from '../../infra/grpc/options.js';

export interface MasterLinkOptions {
  /** `kindling://host:7077` or `host:7077`. */
  readonly master: string;
  readonly workerId: string;
  readonly address: string;
  readonly cores: number;
  readonly security: ClusterSecurity;
  readonly version: string;
  readonly runningTasks: () => number;
  /** The worker's logger: it already carries `component` and `workerId`, so lines here do not repeat them. */
  readonly log: Logger;
}

/**
 * The worker's registration with the master: register, heartbeat every interval, register again
 * when the master does not know this worker (it restarted or declared it dead), deregister on
 * shutdown. An unreachable master is retried forever, with a warning now and then.
 */
export class MasterLink {
  private readonly client: MasterServiceClient;
  private timer: NodeJS.Timeout | undefined;
  private registered = false;
  private intervalMs = 1000;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: MasterLinkOptions) {
    const { MasterService } = loadCluster();
    this.client = new MasterService(masterAddress(options.master), clusterChannelCredentials(options.security), CLUSTER_CHANNEL_OPTIONS);
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  start(): void {
    void this.tick();
  }

  /** Resolves once registered (or rejects after `timeoutMs`). */
  async waitRegistered(timeoutMs: number): Promise<void> {
    const started = Date.now();
    while (!this.registered) {
      if (Date.now() - started > timeoutMs) throw new Error(`could not register with the master at ${this.options.master}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(deregister: boolean): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (deregister && this.registered) {
      await new Promise<void>((resolve) => {
        this.client.DeregisterWorker(
          { secret: this.options.security.secret, worker_id: this.options.workerId },
          { deadline: Date.now() + 3000 },
          () => resolve(),
        );
      });
    }
    this.client.close();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.registered) await this.register();
      else if (!(await this.heartbeat())) {
        this.registered = false;
        this.options.log.warn('master does not know this worker: registering again');
        await this.register();
      }
      this.failures = 0;
    } catch (e) {
      this.failures++;
      if (this.failures === 1 || this.failures % 30 === 0) {
        this.options.log.warn({ err: (e as Error).message, master: this.options.master }, 'master unreachable');
      }
      this.registered = this.registered && this.failures < 3;
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }

  private register(): Promise<void> {
    const o = this.options;
    return new Promise((resolve, reject) => {
      this.client.RegisterWorker(
        { secret: o.security.secret, worker_id: o.workerId, address: o.address, cores: o.cores, version: o.version },
        { deadline: Date.now() + 5000 },
        (err: ServiceError | null, res) => {
          if (err || !res) return reject(err ?? new Error('no response'));
          this.intervalMs = Math.max(100, Number(res.heartbeat_interval_ms) || 1000);
          this.registered = true;
          o.log.info({ master: o.master, masterId: res.master_id }, 'registered with the master');
          resolve();
        },
      );
    });
  }

  private heartbeat(): Promise<boolean> {
    const o = this.options;
    return new Promise((resolve, reject) => {
      this.client.Heartbeat(
        { secret: o.security.secret, worker_id: o.workerId, running_tasks: o.runningTasks(), rss_bytes: process.memoryUsage.rss() },
        { deadline: Date.now() + 5000 },
        (err: ServiceError | null, res) => (err || !res ? reject(err ?? new Error('no response')) : resolve(res.known)),
      );
    });
  }
}

export function masterAddress(url: string): string {
  return url.replace(/^kindling:\/\//, '').replace(/\/$/, '');
}
