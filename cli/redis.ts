import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * One ioredis connection per URL, configured for Kindling: a command fails (retryably) after a few
 * reconnect attempts instead of hanging while Redis is down; every state write is batch-id-guarded,
 * so ioredis resending in-flight commands after a reconnect is harmless.
 */
export class RedisConnections {
  private readonly connections = new Map<string, Redis>();

  /** `name` labels the connections in CLIENT LIST (e.g. `kindling-worker`). */
  constructor(
    private readonly log: Logger,
    private readonly name = 'kindling',
  ) {}

  connect = (url: string): Redis => {
    let r = this.connections.get(url);
    if (!r) {
      r = new Redis(url, {
        maxRetriesPerRequest: 3,
        connectTimeout: 5000,
        retryStrategy: (times) => Math.min(times * 100, 2000),
        enableAutoPipelining: true,
        connectionName: `${this.name}-${process.pid}`,
      });
      let warned = false;
      r.on('error', (e: Error) => {
        if (!warned) this.log.warn({ component: 'redis', url: redact(url), err: e.message }, 'redis connection error');
        warned = true;
      });
      r.on('ready', () => {
        if (warned) this.log.info({ component: 'redis', url: redact(url) }, 'redis connection back');
        warned = false;
      });
      this.connections.set(url, r);
    }
    return r;
  };

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((r) => r.quit().catch(() => r.disconnect())));
    this.connections.clear();
  }
}

export function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
