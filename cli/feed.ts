import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';

export interface FeedOptions {
  readonly port: number;
  readonly host?: string;
  /** Lines to serve; each connection gets all of them from the start. Absent: lines typed on stdin, to everyone. */
  readonly lines?: readonly string[];
  /** Lines per second per connection (0 = as fast as the socket takes them). */
  readonly rate?: number;
  /** Serve the lines again and again. */
  readonly loop?: boolean;
  readonly input?: NodeJS.ReadableStream;
  readonly log: Logger;
}

export interface Feeder {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A line server for socket sources (what `nc -lk 9999` is in Spark's guide): with a file, every
 * connection receives the file's lines at the given rate; without one, lines typed on stdin go to
 * every connected client.
 */
export async function startFeeder(options: FeedOptions): Promise<Feeder> {
  const clients = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((socket) => {
    clients.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => clients.delete(socket));
    options.log.info({ component: 'feed', remote: `${socket.remoteAddress}:${socket.remotePort}` }, 'feed: client connected');
    if (options.lines) serveLines(socket, options.lines, options.rate ?? 0, options.loop ?? false, timers);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  if (!options.lines) {
    const rl = createInterface({ input: options.input ?? process.stdin });
    rl.on('line', (line) => clients.forEach((c) => c.write(`${line}\n`)));
  }
  options.log.info({ component: 'feed', port, lines: options.lines?.length, rate: options.rate }, 'feed: listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach((t) => clearInterval(t));
        clients.forEach((c) => c.destroy());
        server.close(() => resolve());
      }),
  };
}

function serveLines(socket: Socket, lines: readonly string[], rate: number, loop: boolean, timers: Set<NodeJS.Timeout>): void {
  let next = 0;
  /** The next `count` lines as one write, or undefined when the lines ran out. */
  const take = (count: number): string | undefined => {
    const chunk: string[] = [];
    while (chunk.length < count) {
      if (next >= lines.length) {
        if (!loop || lines.length === 0) break;
        next = 0;
      }
      chunk.push(lines[next++] as string);
    }
    return chunk.length === 0 ? undefined : chunk.join('\n') + '\n';
  };
  if (rate <= 0) {
    const pump = (): void => {
      while (socket.writable) {
        const chunk = take(1000);
        if (chunk === undefined) return;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
    return;
  }
  const tickMs = 100;
  let owed = 0;
  const timer = setInterval(() => {
    owed += (rate * tickMs) / 1000;
    const n = Math.floor(owed);
    owed -= n;
    if (n === 0) return;
    const chunk = take(n);
    if (chunk === undefined) {
      clearInterval(timer);
      timers.delete(timer);
      return;
    }
    socket.write(chunk);
  }, tickMs);
  timers.add(timer);
  socket.on('close', () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}

export async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
