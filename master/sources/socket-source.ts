import { connect, type Socket } from 'node:net';
import type { LineLog, Offset, Source, SourceContext, SourceProvider } from '../../engine/connectors/source.js';
import type { InputSplit } from '../../engine/connectors/split.js';
import { linesSplit } from '../../engine/connectors/socket/lines-reader.js';
import { socketOptions, socketSchema, type SocketOptions } from '../../engine/connectors/socket/socket-schema.js';
import { SourceOptions } from '../../engine/connectors/options.js';
import { streamOnlyProvider } from '../../engine/connectors/stream-only.js';
import { ExecutionError, KindlingError } from '../../engine/errors/errors.js';
import type { Schema } from '../../engine/types/schema.js';

/**
 * The `socket` format. Its TCP client runs on the driver (this file); the lines it logs reach map
 * tasks as `lines` splits (engine/connectors/socket/lines-reader.ts), so workers need no network.
 */
export const socketSourceProvider: SourceProvider = streamOnlyProvider(
  'socket',
  socketOptions,
  (o) => socketSchema(o.includeTimestamp),
  (o, ctx, raw) => new SocketSource(o, ctx, socketReadLimits(raw)),
);

/**
 * How much a socket source holds and reads (Kindling's options; Spark's socket source has none):
 * `maxLinesPerTrigger` caps a micro-batch, as Kafka's maxOffsetsPerTrigger, so a batch after an
 * outage stays bounded and the rest goes to the next batches; `maxBufferedBytes` caps the lines
 * received but not yet committed: past it the source stops reading the socket, so TCP flow control
 * slows the sender, and it reads again once the backlog is back under half of it.
 */
export interface SocketReadLimits {
  readonly maxLinesPerTrigger: number;
  readonly maxBufferedBytes: number;
}

/**
 * The byte cap holds several full batches of 100-character lines (about 15 MB each as held), so
 * under a flood the next batch is already logged when one commits: a cap of about one batch made
 * every other batch a short one and had it wait for the lines still being logged.
 */
export const DEFAULT_SOCKET_READ_LIMITS: SocketReadLimits = Object.freeze({
  maxLinesPerTrigger: 100_000,
  maxBufferedBytes: 64 * 1024 * 1024,
});

export function socketReadLimits(raw: Readonly<Record<string, string>>): SocketReadLimits {
  const o = new SourceOptions(raw);
  const positive = (name: keyof SocketReadLimits): number =>
    o.int(name, DEFAULT_SOCKET_READ_LIMITS[name], (n) => n > 0, `Invalid value '<value>' for option '${name}', must be a positive integer`);
  return { maxLinesPerTrigger: positive('maxLinesPerTrigger'), maxBufferedBytes: positive('maxBufferedBytes') };
}

/** A line longer than this without a newline is cut here (garbage on the socket must not eat memory). */
const MAX_LINE_CHARS = 8 * 1024 * 1024;

/** What a held line costs beyond its characters (string header, array slots, its timestamp). */
const LINE_OVERHEAD_BYTES = 48;

const lineBytes = (line: string): number => line.length + LINE_OVERHEAD_BYTES;

/**
 * Spark's socket source, made replayable: it connects as a TCP client on the first offset request
 * (so batch 0 runs at once and a refused connection fails the query), and every received line is
 * appended to a durable write-ahead log before its offset is reported. Offsets are line indexes
 * (-1 before the first line), as Spark's LongOffset. Memory stays bounded under a flood: reading
 * pauses while the received-but-uncommitted lines pass `maxBufferedBytes`, and a batch takes at
 * most `maxLinesPerTrigger` lines (all of them under Trigger.Once).
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
  /** Lines in the write-ahead log (their offsets are 0 .. logged-1). */
  private logged = 0;
  /**
   * Received lines waiting for the log, oldest first, as the chunks they are appended in: a chunk
   * whose append failed stays first and unchanged, so the log can recognise its retry.
   */
  private queue: { readonly lines: string[]; readonly times: number[] }[] = [];
  private appending: Promise<void> | undefined;
  private flushScheduled = false;
  private appendError: unknown;
  /** Called after each append settles (latestOffset waits on them). */
  private waiters: (() => void)[] = [];
  private stopped = false;
  private closedByPeer = false;
  /** Bytes held for lines received and not yet committed (pending, queue and cache). */
  private held = 0;
  private pausedReading = false;
  private pauses = 0;
  /** Under Trigger.AvailableNow: the last offset available at the first offset request. */
  private availableNowEnd: number | undefined;
  private availableNow = false;
  private readonly hintListeners = new Set<() => void>();

  constructor(
    private readonly options: SocketOptions,
    private readonly ctx: SourceContext,
    private readonly limits: SocketReadLimits = DEFAULT_SOCKET_READ_LIMITS,
  ) {
    this.schema = socketSchema(options.includeTimestamp);
    this.description = `TextSocketV2[host: ${options.host}, port: ${options.port}]`;
  }

  /**
   * The last line that is durable in the write-ahead log, after waiting for every line received
   * before this call to get there. Lines are logged in the background as they arrive, so this
   * usually waits only for the lines of the last moments, not for a whole batch's worth.
   */
  async latestOffset(start?: Offset | null): Promise<Offset | null> {
    await this.ensureConnected();
    const from = start === undefined || start === null ? -1 : Number(start);
    const limited = start !== undefined && this.ctx.readAllAvailable !== true;
    const upTo = (end: number): number => (limited ? Math.min(end, from + this.limits.maxLinesPerTrigger) : end);
    if (this.availableNowEnd !== undefined) return upTo(this.availableNowEnd);
    // A batch that the log can fill already need not wait for the lines still arriving.
    if (limited && !this.availableNow && this.logged - 1 >= from + this.limits.maxLinesPerTrigger) return upTo(this.logged - 1);
    const received = this.logged + this.unloggedLines();
    // Under the per-trigger cap the batch takes only its first maxLinesPerTrigger lines: it need not
    // wait for a flood's later lines to reach the log (they are appended in chunks of that size).
    const target = limited && !this.availableNow ? Math.min(received, from + 1 + this.limits.maxLinesPerTrigger) : received;
    while (this.logged < target && !this.stopped) {
      const progressed = new Promise<void>((resolve) => this.waiters.push(resolve));
      this.appendError = undefined;
      void this.flush();
      await progressed;
      if (this.appendError !== undefined) throw this.appendFailure(this.appendError);
    }
    if (this.availableNow) this.availableNowEnd = this.logged - 1;
    return upTo(this.logged - 1);
  }

  /** Trigger.AvailableNow: the lines logged by the first offset request, in batches of maxLinesPerTrigger. */
  prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNow = true;
    return Promise.resolve();
  }

  /** What the source holds now, for metrics and tests. */
  get buffer(): { readonly heldBytes: number; readonly pausedReading: boolean; readonly pauses: number } {
    return { heldBytes: this.held, pausedReading: this.pausedReading, pauses: this.pauses };
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
      for (let i = 0; i < drop; i++) this.held -= lineBytes(this.cacheLines[i] as string);
      this.cacheLines = this.cacheLines.slice(drop);
      this.cacheTimes = this.cacheTimes.slice(drop);
      this.cacheBase += drop;
      this.regulate();
    }
    return Promise.resolve();
  }

  /** Lines coming in wake an idle trigger (latestOffset then waits for them to be logged). */
  onDataHint(listener: () => void): () => void {
    this.hintListeners.add(listener);
    return () => this.hintListeners.delete(listener);
  }

  stop(): Promise<void> {
    this.hintListeners.clear();
    this.stopped = true;
    this.notify();
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
    for (const p of parts) this.hold(p.endsWith('\r') ? p.slice(0, -1) : p, now);
    if (this.partial.length > MAX_LINE_CHARS) {
      this.ctx.log.warn({ chars: this.partial.length }, 'socket line over the size limit: cut');
      this.hold(this.partial, now);
      this.partial = '';
    }
    // Once per chunk, not per line: a 64 KiB read holds about a thousand short lines.
    if (this.pending.length > 0) {
      this.regulate();
      this.scheduleFlush();
      this.hintListeners.forEach((l) => l());
    }
  }

  private flushPartial(): void {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest === '') return;
    this.hold(rest.endsWith('\r') ? rest.slice(0, -1) : rest, this.ctx.clock.now());
    this.regulate();
    this.scheduleFlush();
  }

  private hold(line: string, now: number): void {
    this.pending.push(line);
    this.pendingTimes.push(now);
    this.held += lineBytes(line);
  }

  /** Pauses the socket above the byte cap and resumes it under half of it (hysteresis, not a flutter per line). */
  private regulate(): void {
    const socket = this.socket;
    if (!socket || this.stopped) return;
    if (!this.pausedReading && this.held > this.limits.maxBufferedBytes) {
      this.pausedReading = true;
      this.pauses++;
      socket.pause();
      this.ctx.log.info({ heldBytes: this.held, pauses: this.pauses }, 'socket source backlog over maxBufferedBytes: reading paused');
    } else if (this.pausedReading && this.held <= this.limits.maxBufferedBytes / 2) {
      this.pausedReading = false;
      socket.resume();
    }
  }

  private unloggedLines(): number {
    let n = this.pending.length;
    for (const c of this.queue) n += c.lines.length;
    return n;
  }

  /** Logs what arrived during this turn of the event loop together; after a failure, waits for latestOffset. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.appending || this.appendError !== undefined) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /** Appends queued lines one chunk at a time until none are left (or an append fails). */
  private flush(): Promise<void> {
    this.appending ??= this.drain().finally(() => {
      this.appending = undefined;
      this.notify();
    });
    return this.appending;
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.pending.length > 0) {
        const max = this.limits.maxLinesPerTrigger;
        if (this.pending.length <= max) this.queue.push({ lines: this.pending, times: this.pendingTimes });
        else {
          for (let i = 0; i < this.pending.length; i += max) {
            this.queue.push({ lines: this.pending.slice(i, i + max), times: this.pendingTimes.slice(i, i + max) });
          }
        }
        this.pending = [];
        this.pendingTimes = [];
      }
      const chunk = this.queue[0];
      if (!chunk || this.stopped) return;
      const start = this.logged;
      try {
        this.logged = await this.lineLog().append(chunk.lines.map((l, i) => `${chunk.times[i] ?? 0}\t${l}`));
      } catch (e) {
        this.appendError = e;
        return;
      }
      this.queue.shift();
      if (this.cacheBase + this.cacheLines.length !== start) {
        for (const l of this.cacheLines) this.held -= lineBytes(l);
        this.cacheLines = [];
        this.cacheTimes = [];
        this.cacheBase = start;
      }
      for (let i = 0; i < chunk.lines.length; i++) {
        this.cacheLines.push(chunk.lines[i] as string);
        this.cacheTimes.push(chunk.times[i] ?? 0);
      }
      this.notify();
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private appendFailure(e: unknown): Error {
    if (e instanceof KindlingError) return e;
    return new ExecutionError(`The socket source could not log its lines: ${(e as Error).message}`, { cause: e });
  }
}
