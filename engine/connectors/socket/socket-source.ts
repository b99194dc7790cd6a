import { connect, type Socket } from 'node:net';
import { ExecutionError } from '../../errors/errors.js';
import type { Schema } from '../../types/schema.js';
import type { LineLog, Offset, Source, SourceContext } from '../source.js';
import type { InputSplit } from '../split.js';
import { linesSplit } from './lines-reader.js';
import { socketSchema, type SocketOptions } from './socket-schema.js';

/** A line longer than this without a newline is cut here (garbage on the socket must not eat memory). */
const MAX_LINE_CHARS = 8 * 1024 * 1024;

/**
 * Spark's socket source, made replayable: it connects as a TCP client on the first offset request
 * (so batch 0 runs at once and a refused connection fails the query), and every received line is
 * appended to a durable write-ahead log before its offset is reported. Offsets are line indexes
 * (-1 before the first line), as Spark's LongOffset.
 */
export class SocketSource implements Source {
  readonly schema: Schema;
  readonly description: string;
  private socket: Socket | undefined;
  private connecting: Promise<void> | undefined;
  private pending: string[] = [];
  private pendingTimes: number[] = [];
  private partial = '';
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  /** Logged lines not yet committed, from offset `cacheBase` on (a re-run after restart reads the log). */
  private cacheLines: string[] = [];
  private cacheTimes: number[] = [];
  private cacheBase = 0;
  private log: LineLog | undefined;
  private logged = 0;
  private closedByPeer = false;

  constructor(
    private readonly options: SocketOptions,
    private readonly ctx: SourceContext,
  ) {
    this.schema = socketSchema(options.includeTimestamp);
    this.description = `TextSocketV2[host: ${options.host}, port: ${options.port}]`;
  }

  async latestOffset(): Promise<Offset | null> {
    await this.ensureConnected();
    const log = this.lineLog();
    if (this.pending.length > 0) {
      const lines = this.pending;
      const times = this.pendingTimes;
      this.pending = [];
      this.pendingTimes = [];
      const start = this.logged;
      this.logged = await log.append(lines.map((l, i) => `${times[i] ?? 0}\t${l}`));
      if (this.cacheBase + this.cacheLines.length !== start) {
        this.cacheLines = [];
        this.cacheTimes = [];
        this.cacheBase = start;
      }
      for (let i = 0; i < lines.length; i++) {
        this.cacheLines.push(lines[i] as string);
        this.cacheTimes.push(times[i] ?? 0);
      }
    }
    return this.logged - 1;
  }

  async planSplits(start: Offset | null, end: Offset): Promise<InputSplit[]> {
    const from = start === null ? 0 : Number(start) + 1;
    const to = Number(end) + 1;
    if (to <= from) return [];
    const { lines, times } = await this.records(from, to);
    const parts = Math.max(1, Math.min(this.ctx.parallelism(), Math.ceil(lines.length / 1000)));
    const size = Math.ceil(lines.length / parts);
    const splits: InputSplit[] = [];
    for (let i = 0; i < lines.length; i += size) {
      splits.push(linesSplit(lines.slice(i, i + size), this.options.includeTimestamp ? times.slice(i, i + size) : undefined));
    }
    return splits;
  }

  commit(end: Offset): Promise<void> {
    const drop = Math.min(this.cacheLines.length, Number(end) + 1 - this.cacheBase);
    if (drop > 0) {
      this.cacheLines = this.cacheLines.slice(drop);
      this.cacheTimes = this.cacheTimes.slice(drop);
      this.cacheBase += drop;
    }
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.socket?.destroy();
    this.socket = undefined;
    return Promise.resolve();
  }

  private lineLog(): LineLog {
    this.log ??= this.ctx.lineLog();
    return this.log;
  }

  private async records(from: number, to: number): Promise<{ lines: string[]; times: number[] }> {
    if (from >= this.cacheBase && to <= this.cacheBase + this.cacheLines.length) {
      return {
        lines: this.cacheLines.slice(from - this.cacheBase, to - this.cacheBase),
        times: this.cacheTimes.slice(from - this.cacheBase, to - this.cacheBase),
      };
    }
    // A re-run after a restart: the lines come back from the write-ahead log.
    const records = await this.lineLog().read(from, to);
    const cut = (r: string): number => r.indexOf('\t');
    return {
      lines: records.map((r) => r.slice(cut(r) + 1)),
      times: records.map((r) => Number(r.slice(0, cut(r)))),
    };
  }

  private async ensureConnected(): Promise<void> {
    if (this.socket || this.closedByPeer) return;
    this.connecting ??= this.open();
    await this.connecting;
  }

  private async open(): Promise<void> {
    this.logged = await this.lineLog().length();
    const { host, port } = this.options;
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        this.socket = socket;
        this.ctx.log.warn(
          { host, port },
          'The socket source should not be used for production applications! Kindling logs its lines so batches can be replayed, but the sender cannot.',
        );
        resolve();
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        // Spark fails the query when the source cannot connect; retrying would hide that for minutes.
        if (!this.socket) reject(new ExecutionError(err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message, { cause: err, retryable: false }));
        else this.ctx.log.warn({ host, port, err: err.message }, 'socket source error');
      });
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('close', () => {
        if (this.socket === socket) {
          this.flushPartial();
          this.closedByPeer = true;
          this.socket = undefined;
          this.ctx.log.warn({ host, port }, `Stream closed by ${host}:${port}`);
        }
      });
    });
  }

  private onData(chunk: Buffer): void {
    const now = this.ctx.clock.now();
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.push(p.endsWith('\r') ? p.slice(0, -1) : p, now);
    if (this.partial.length > MAX_LINE_CHARS) {
      this.ctx.log.warn({ chars: this.partial.length }, 'socket line over the size limit: cut');
      this.push(this.partial, now);
      this.partial = '';
    }
  }

  private flushPartial(): void {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest !== '') this.push(rest.endsWith('\r') ? rest.slice(0, -1) : rest, this.ctx.clock.now());
  }

  private push(line: string, now: number): void {
    this.pending.push(line);
    this.pendingTimes.push(now);
  }
}
