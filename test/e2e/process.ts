import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventually, withDeadline } from '../support/eventually.js';

/** bin/kindling.js, from the source tree (vitest) or from dist/ (the compiled bench). */
const BIN = [new URL('../../bin/kindling.js', import.meta.url), new URL('../../../bin/kindling.js', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p)) as string;

export interface KindlingProcess {
  readonly child: ChildProcess;
  readonly port: number;
  stderr(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash) and wait for exit. */
  kill(): Promise<void>;
}

/**
 * Starts `kindling <args>` from the built package (as a user would) and waits until it prints the
 * Spark Connect URL it listens on.
 */
export async function startKindling(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<KindlingProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /sc:\/\/localhost:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`kindling exited with ${code}:\n${out}\n${err}`)));
  });
  const port = await withDeadline(listening, 30_000, 'kindling start').catch((e: unknown) => {
    throw new Error(`kindling did not start (${String(e)}):\n${out}\n${err}`);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    port,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A line server: every connected client receives what `broadcast` sends (like `nc -lk`). */
export class LineServer {
  private readonly clients = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<LineServer> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    const s = new LineServer(server, typeof address === 'object' && address ? address.port : 0);
    server.on('connection', (c) => {
      s.clients.add(c);
      c.on('error', () => undefined);
      c.on('close', () => s.clients.delete(c));
    });
    return s;
  }

  get connections(): number {
    return this.clients.size;
  }

  /** One write per client, so a burst lands in one micro-batch of each query. */
  broadcast(lines: readonly string[]): void {
    const text = lines.join('\n') + '\n';
    for (const c of this.clients) c.write(text);
  }

  async waitForConnections(n: number, timeoutMs = 20_000): Promise<void> {
    await eventually(() => this.clients.size >= n, { timeoutMs, message: () => `${n} clients to connect (${this.clients.size} did)` });
  }


  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/**
 * Bursts of words made so every row can be checked on its own: burst k uses words `b<k>w<j>`
 * that no other burst uses, and word j of burst k occurs exactly 100·k + j times — every count
 * in the whole feed is unique, so a row's count tells which word it belongs to.
 */
export function burst(k: number, wordsPerBurst: number): { lines: string[]; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const bag: string[] = [];
  for (let j = 1; j <= wordsPerBurst; j++) {
    const word = `b${k}w${j}`;
    const n = 100 * k + j;
    counts.set(word, n);
    for (let i = 0; i < n; i++) bag.push(word);
  }
  // A deterministic shuffle, then 10 words a line.
  let seed = k * 7919;
  for (let i = bag.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [bag[i], bag[j]] = [bag[j] as string, bag[i] as string];
  }
  const lines: string[] = [];
  for (let i = 0; i < bag.length; i += 10) lines.push(bag.slice(i, i + 10).join(' '));
  return { lines, counts };
}
