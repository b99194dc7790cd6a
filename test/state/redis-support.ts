import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { ExecutionError } from '../../engine/errors/errors.js';
import type { StateRow } from '../../engine/state/state-store.js';
import type { StateStoreLogger } from '../../worker/state/redis/redis-state-store.js';
import { row } from './state-store.contract.js';
import { GiveUp, eventually } from '../support/eventually.js';

/** A logger that keeps what it was told. */
export function recordingLog(): StateStoreLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_o, msg) => void lines.push(`warn ${msg ?? ''}`), info: (_o, msg) => void lines.push(`info ${msg ?? ''}`) };
}

/** Calls per command name from `INFO commandstats` (commands run inside scripts included). */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1] as string, Number(m[2]));
  return calls;
}

export function callsDelta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of after) {
    const d = n - (before.get(name) ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

/** Word-count-like rows: `count` keys (window of 10 s ending at `endUs`, word), one count each. */
export function wordRows(count: number, endUs: number, offset = 0): StateRow[] {
  const rows: StateRow[] = [];
  for (let i = 0; i < count; i++) rows.push(row([[endUs - 10_000_000, endUs], `word-${i + offset}`], endUs, [1 + (i % 3)]));
  return rows;
}

/** Retries a step failing with a retryable ExecutionError (Redis away), as the task scheduler would. */
export async function retrying<T>(step: () => Promise<T>, attempts = 60): Promise<{ value: T; failures: number }> {
  let failures = 0;
  try {
    const { value } = await eventually(
      async () => {
        try {
          return { value: await step() };
        } catch (e) {
          if (!(e instanceof ExecutionError) || !e.retryable || ++failures >= attempts) throw new GiveUp('not retried', { cause: e });
          throw e;
        }
      },
      { timeoutMs: 10 * 60_000, intervalMs: 100, message: 'a retryable step to succeed' },
    );
    return { value, failures };
  } catch (e) {
    throw e instanceof GiveUp ? e.cause : e;
  }
}

/**
 * A TCP proxy in front of Redis that can drop the connection at the first byte of the next reply:
 * the server has executed the command, the client never hears back.
 */
export class ReplyCuttingProxy {
  cutNextReply = false;
  cuts = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<ReplyCuttingProxy> {
    let proxy: ReplyCuttingProxy | undefined;
    const server = createServer((client) => {
      const p = proxy as ReplyCuttingProxy;
      const upstream = connect(targetPort, '127.0.0.1');
      p.sockets.add(client).add(upstream);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        p.sockets.delete(client);
        p.sockets.delete(upstream);
      };
      client.on('data', (d) => upstream.write(d));
      upstream.on('data', (d) => {
        if (p.cutNextReply) {
          p.cutNextReply = false;
          p.cuts++;
          drop();
          return;
        }
        client.write(d);
      });
      for (const s of [client, upstream]) {
        s.on('error', drop);
        s.on('close', drop);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    proxy = new ReplyCuttingProxy(server, typeof address === 'object' && address ? address.port : 0);
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
