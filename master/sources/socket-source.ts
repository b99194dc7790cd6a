import { connect, type Socket } from 'node:net';
import type { LineLog, Offset, Source, SourceContext, SourceProvider } from '../../engine/connectors/source.js';
import type { InputSplit } from '../../engine/connectors/split.js';
import { linesBytesSplit, linesSplit } from '../../engine/connectors/socket/lines-reader.js';
import { socketOptions, socketSchema, type SocketOptions } from '../../engine/connectors/socket/socket-schema.js';
import { streamOnlyProvider } from '../../engine/connectors/stream-only.js';
import { ExecutionError, KindlingError } from '../../engine/errors/errors.js';
import type { Schema } from '../../engine/types/schema.js';
import type { LineBlock, LineChunk } from './line-block.js';
import { appendChunks, lastLineWithin, lineParts, MAX_APPEND_BYTES } from './line-block.js';
import { LineCutter } from './line-cutter.js';
import { DEFAULT_SOCKET_READ_LIMITS, SOCKET_TRIM_LOG_CONF, socketReadLimits, type SocketReadLimits } from './socket-read-limits.js';

export { DEFAULT_SOCKET_READ_LIMITS, SOCKET_TRIM_LOG_CONF, socketReadLimits, type SocketReadLimits };

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
  /** Received lines not yet queued for the log, one block per socket read. */
  private pending: LineBlock[] = [];
  private pendingLines = 0;
  private readonly cutter = new LineCutter();
  /** Logged lines not yet committed, from offset `cacheBase` on, as logged (a re-run after restart reads the log). */
  private cache: LineBlock[] = [];
  private cacheLines = 0;
  private cacheBase = 0;
  private log: LineLog | undefined;
  /** Lines in the write-ahead log (their offsets are 0 .. logged-1). */
  private logged = 0;
  /** The log was trimmed below this line. */
  private trimmedTo = 0;
  /**
   * Received lines waiting for the log, oldest first, as the chunks they are appended in: a chunk
   * whose append failed stays first and unchanged, so the log can recognise its retry.
   */
  private queue: LineChunk[] = [];
  /** Where an append's records are written (see `recordsOf`). */
  private scratch: Buffer = Buffer.alloc(0);
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
    const upTo = (end: number): number => (limited ? Math.min(end, from + this.limits.maxLinesPerTrigger, lastLineWithin(this.cache, this.cacheBase, from, this.limits.maxBufferedBytes / 2)) : end);
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
    const count = to - from;
    const parts = Math.max(1, Math.min(this.ctx.parallelism(), Math.ceil(count / 1000)));
    const size = Math.ceil(count / parts);
    const splits: InputSplit[] = [];
    if (from >= this.cacheBase && to <= this.cacheBase + this.cacheLines) {
      for (let lo = from; lo < to; lo += size) {
        const hi = Math.min(to, lo + size);
        const { parts, times } = lineParts(this.cache, this.cacheBase, lo, hi);
        splits.push(linesBytesSplit(parts, hi - lo, this.options.includeTimestamp ? Array.from(times) : undefined));
      }
      return splits;
    }
    // A re-run after a restart: the lines come back from the write-ahead log.
    const { lines, times } = await this.fromLog(from, to);
    for (let i = 0; i < lines.length; i += size) {
      splits.push(linesSplit(lines.slice(i, i + size), this.options.includeTimestamp ? times.slice(i, i + size) : undefined));
    }
    return splits;
  }

  /** After commits/N is written: no batch reads these lines again (a restart re-runs only a batch past them). */
  async commit(end: Offset): Promise<void> {
    let drop = Math.min(this.cacheLines, Number(end) + 1 - this.cacheBase);
    if (drop > 0) {
      this.cacheBase += drop;
      this.cacheLines -= drop;
      while (drop > 0) {
        const first = this.cache[0] as LineBlock;
        this.held -= first.heldBytes;
        if (first.count <= drop) {
          this.cache.shift();
          drop -= first.count;
        } else {
          const rest = first.slice(drop, first.count);
          this.cache[0] = rest;
          this.held += rest.heldBytes;
          drop = 0;
        }
      }
      this.regulate();
    }
    await this.trimLog(Number(end) + 1);
  }

  /** Best-effort: a log that could not be trimmed only holds more lines, so a failure never fails the batch. */
  private async trimLog(before: number): Promise<void> {
    if (before <= this.trimmedTo || this.ctx.conf?.(SOCKET_TRIM_LOG_CONF) === 'false') return;
    try {
      await this.lineLog().trim(before);
      this.trimmedTo = before;
    } catch (e) {
      this.ctx.log.warn({ before, err: (e as Error).message }, 'socket source: could not trim the write-ahead log (retried at the next commit)');
    }
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

  private async fromLog(from: number, to: number): Promise<{ lines: string[]; times: number[] }> {
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
    const { blocks, cut } = this.cutter.push(chunk, this.ctx.clock.now());
    if (cut > 0) this.ctx.log.warn({ bytes: cut }, 'socket line over the size limit: cut');
    // Once per chunk, not per line: a 64 KiB read holds about a thousand short lines.
    for (const block of blocks) this.hold(block);
    if (blocks.length > 0) {
      this.regulate();
      this.scheduleFlush();
      this.hintListeners.forEach((l) => l());
    }
  }

  private flushPartial(): void {
    const block = this.cutter.end(this.ctx.clock.now());
    if (!block) return;
    this.hold(block);
    this.regulate();
    this.scheduleFlush();
  }

  private hold(block: LineBlock): void {
    this.pending.push(block);
    this.pendingLines += block.count;
    this.held += block.heldBytes;
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
    let n = this.pendingLines;
    for (const c of this.queue) n += c.count;
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
        // Appends of at most maxLinesPerTrigger lines and about MAX_APPEND_BYTES, sharing the received blocks (the held bytes stay as they were counted).
        this.queue.push(...appendChunks(this.pending, this.limits.maxLinesPerTrigger, MAX_APPEND_BYTES));
        this.pending = [];
        this.pendingLines = 0;
      }
      const chunk = this.queue[0];
      if (!chunk || this.stopped) return;
      const start = this.logged;
      try {
        const log = this.lineLog();
        this.logged = log.appendReceived
          ? await log.appendReceived({ parts: chunk.blocks, count: chunk.count })
          : log.appendRecords
            ? await log.appendRecords(this.recordsOf(chunk), chunk.count)
            : await log.append(chunk.recordLines());
      } catch (e) {
        this.appendError = e;
        return;
      }
      this.queue.shift();
      if (this.cacheBase + this.cacheLines !== start) {
        for (const b of this.cache) this.held -= b.heldBytes;
        this.cache = [];
        this.cacheLines = 0;
        this.cacheBase = start;
      }
      this.cache.push(...chunk.blocks);
      this.cacheLines += chunk.count;
      this.notify();
    }
  }

  /**
   * The chunk's records in a buffer reused from append to append (they are one at a time): a new
   * 1 MB buffer per append was garbage that only a full GC frees, and a flood left tens of them.
   */
  private recordsOf(chunk: LineChunk): Buffer {
    // Appends take about MAX_APPEND_BYTES; one with a longer line gets a buffer of its own.
    if (this.scratch.length === 0) this.scratch = Buffer.allocUnsafeSlow(2 * MAX_APPEND_BYTES);
    return chunk.records(this.scratch);
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
