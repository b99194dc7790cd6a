import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on loopback (bound then released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const address = s.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface RedisServerOptions {
  /** AOF on (appendonly yes) with this fsync policy; default 'always' so a kill loses nothing acknowledged. */
  readonly appendfsync?: 'always' | 'everysec' | 'no' | false;
  /** More `redis-server` arguments (e.g. `--requirepass`, `--cluster-enabled yes`). */
  readonly args?: readonly string[];
  /** Addresses to listen on besides 127.0.0.1 (the chaos suite's network namespace reaches Redis there). */
  readonly extraBind?: readonly string[];
}

/**
 * A real `redis-server` for tests, on a free port with its own temporary directory, that the test
 * can kill (-9), stop and restart on the same port and data.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const s = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'kindling-redis-')), options);
    await s.launch();
    return s;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async launch(): Promise<void> {
    const fsync = this.options.appendfsync ?? 'always';
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', ...(this.options.extraBind ?? []), '--dir', this.dir, '--save', '', '--daemonize', 'no'];
    // Protected mode refuses clients from non-loopback addresses when there is no password.
    if (this.options.extraBind?.length) args.push('--protected-mode', 'no');
    if (fsync) args.push('--appendonly', 'yes', '--appendfsync', fsync);
    else args.push('--appendonly', 'no');
    args.push(...(this.options.args ?? []));
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 15_000);
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${out}`));
      });
    });
  }

  /** kill -9: no shutdown save; AOF content is what was fsynced. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** A clean shutdown (SIGTERM flushes the AOF). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  async restart(hard = true): Promise<void> {
    if (hard) await this.kill();
    else await this.stop();
    await this.launch();
  }

  async close(): Promise<void> {
    await this.signal('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(sig);
    await exited;
    this.child = undefined;
  }
}
