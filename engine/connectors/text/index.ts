import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { recordBatch, concatBatches } from '../../batch/record-batch.js';
import { valuesVector } from '../../batch/vector.js';
import { AnalysisError, ExecutionError } from '../../errors/errors.js';
import type { Offset, Source, SourceContext, SourceProvider } from '../source.js';
import { SourceOptions } from '../options.js';
import type { InputSplit } from '../split.js';
import { fileSplitOptions, planFilePartitions, type SizedFile } from '../file-splits.js';
import { COMPACT_INTERVAL_CONF, DEFAULT_COMPACT_INTERVAL, FileStreamSourceLog } from './file-source-log.js';
import { TEXT_SCHEMA, readTextFile } from './text-reader.js';

interface ListedFile {
  readonly path: string;
  readonly mtimeMs: number;
}

function sourceDir(options: Readonly<Record<string, string>>, paths: readonly string[]): string {
  const p = paths[0] ?? new SourceOptions(options).get('path');
  if (!p) throw new AnalysisError("'path' is not specified");
  return resolve(p.replace(/^file:(\/\/)?/, ''));
}

/**
 * A file stream's directory, which must exist when the stream is defined and started: Spark's
 * PATH_NOT_FOUND (with the path as given) rather than a query that retries listing forever.
 */
function requireStreamPath(options: Readonly<Record<string, string>>): string {
  const dir = sourceDir(options, []);
  if (!existsSync(dir)) {
    throw AnalysisError.withClass('PATH_NOT_FOUND', { path: new SourceOptions(options).get('path') ?? dir });
  }
  return dir;
}

/**
 * The directory's files, except those `skip` says are known already: a trigger polls every few
 * milliseconds while idle, and stat-ing every file ever seen on each poll would cost the driver a
 * system call per file per poll. The rest are stat-ed together.
 */
async function listFiles(dir: string, skip: (path: string) => boolean = () => false): Promise<ListedFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new ExecutionError(`Cannot list ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const paths = names.filter((name) => !name.startsWith('.') && !name.startsWith('_')).map((name) => join(dir, name)).filter((p) => !skip(p));
  const stats = await Promise.all(paths.map((p) => stat(p).catch(() => undefined)));
  const out: ListedFile[] = [];
  stats.forEach((s, i) => {
    if (s?.isFile()) out.push({ path: paths[i] as string, mtimeMs: Math.floor(s.mtimeMs) });
  });
  return out;
}

/** A log entry's path (a `file:` URL as Kindling and Spark write it, or a plain path) on this machine. */
function localPath(entryPath: string): string {
  return entryPath.startsWith('file:') ? fileURLToPath(entryPath) : entryPath;
}

/**
 * Spark's file stream source for text: new files in a directory become batches in order of
 * modification time. Each batch's files go to the source's file log in the checkpoint (Spark's
 * FileStreamSourceLog: `sources/0/<n>`, compacted every
 * `spark.sql.streaming.fileSource.log.compactInterval` batches), so offsets (`{"logOffset": n}`)
 * replay the same files.
 */
class TextFileSource implements Source {
  readonly schema = TEXT_SCHEMA;
  readonly description: string;
  /** Files already in the log, by URL. */
  private readonly seen = new Set<string>();
  /** The same files by the path a listing finds them at (listings skip these without a stat). */
  private readonly seenPaths = new Set<string>();
  private readonly hintListeners = new Set<() => void>();
  private watcher: FSWatcher | undefined;
  private logOffset = -1;
  private loaded = false;
  private readonly log: FileStreamSourceLog;
  /** Trigger.AvailableNow: the files listed when the query started; later files wait for another run. */
  private availableNowFiles: ListedFile[] | undefined;

  constructor(
    private readonly dir: string,
    private readonly options: SourceOptions,
    private readonly ctx: SourceContext,
  ) {
    this.description = `FileStreamSource[file:${dir}]`;
    const interval = Number(ctx.conf?.(COMPACT_INTERVAL_CONF) ?? DEFAULT_COMPACT_INTERVAL);
    this.log = new FileStreamSourceLog(ctx.metadata, interval);
    if (ctx.readAllAvailable && options.get('maxFilesPerTrigger') !== undefined) {
      ctx.log.warn({ maxFilesPerTrigger: options.get('maxFilesPerTrigger') }, `The read limit maxFilesPerTrigger for ${this.description} is ignored when Trigger.Once is used.`);
    }
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNowFiles = await listFiles(this.dir);
  }

  async latestOffset(): Promise<Offset | null> {
    await this.load();
    const limit = this.options.int('maxFilesPerTrigger', Number.POSITIVE_INFINITY, (n) => n > 0, "Invalid value '<value>' for option 'maxFilesPerTrigger', must be a positive integer");
    const maxFiles = this.ctx.readAllAvailable ? Number.POSITIVE_INFINITY : limit;
    const latestFirst = this.options.bool('latestFirst', false, "'latestFirst' must be true or false");
    const listed = this.availableNowFiles ?? (await listFiles(this.dir, (p) => this.seenPaths.has(p)));
    const fresh = listed.map((f) => ({ ...f, url: pathToFileURL(f.path).href })).filter((f) => !this.seen.has(f.url));
    fresh.sort((a, b) => (latestFirst ? b.mtimeMs - a.mtimeMs : a.mtimeMs - b.mtimeMs) || a.path.localeCompare(b.path));
    const batch = fresh.slice(0, Number.isFinite(maxFiles) ? maxFiles : undefined);
    if (batch.length > 0) {
      const next = this.logOffset + 1;
      const added = await this.log.add(
        next,
        batch.map((f) => ({ path: f.url, timestamp: f.mtimeMs, batchId: next })),
      );
      if (!added) throw new ExecutionError(`Concurrent update to the log. Multiple streaming jobs detected for ${next}`, { retryable: false });
      batch.forEach((f) => {
        this.seen.add(f.url);
        this.seenPaths.add(f.path);
      });
      this.logOffset = next;
    }
    return this.logOffset < 0 ? null : { logOffset: this.logOffset };
  }

  async planSplits(start: Offset | null, end: Offset): Promise<InputSplit[]> {
    await this.load();
    const from = start === null ? 0 : logOffsetOf(start) + 1;
    const to = logOffsetOf(end);
    const files: SizedFile[] = [];
    const paths: string[] = [];
    for (let n = from; n <= to; n++) for (const entry of await this.log.get(n)) paths.push(localPath(entry.path));
    // A file gone since it was listed is an error when its split is read, as before.
    const sizes = await Promise.all(paths.map(async (path) => (await stat(path).catch(() => undefined))?.size ?? 0));
    paths.forEach((path, i) => files.push({ path, length: sizes[i] ?? 0 }));
    const options = fileSplitOptions(this.ctx.conf, this.ctx.parallelism());
    return planFilePartitions(files, options).map((ranges): InputSplit => ({ reader: 'text-file', config: { files: ranges } }));
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.hintListeners.clear();
    this.unwatch();
    return Promise.resolve();
  }

  /**
   * A file renamed or written into the directory wakes an idle trigger (inotify on Linux). Where
   * watching is not possible (some network file systems) the trigger's polling still finds files.
   */
  onDataHint(listener: () => void): () => void {
    this.hintListeners.add(listener);
    if (!this.watcher) {
      try {
        this.watcher = watch(this.dir, { persistent: false }, () => this.hintListeners.forEach((l) => l()));
        this.watcher.on('error', () => this.unwatch());
      } catch {
        this.watcher = undefined;
      }
    }
    return () => {
      this.hintListeners.delete(listener);
      if (this.hintListeners.size === 0) this.unwatch();
    };
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Restores the files seen so far from the checkpoint's file log. */
  private async load(): Promise<void> {
    if (this.loaded) return;
    for (const entry of await this.log.allFiles()) {
      const path = localPath(entry.path);
      this.seen.add(pathToFileURL(path).href);
      this.seenPaths.add(path);
    }
    this.logOffset = (await this.log.latestBatchId()) ?? -1;
    this.loaded = true;
  }
}

function logOffsetOf(o: Offset): number {
  if (typeof o === 'object' && o !== null && 'logOffset' in o) return Number(o.logOffset);
  return Number(o);
}

export const textSourceProvider: SourceProvider = {
  format: 'text',
  schema(options, userSchema, streaming) {
    if (userSchema && (userSchema.fields.length !== 1 || userSchema.fields[0]?.type.kind !== 'string')) {
      throw new AnalysisError('The text source produces a single string column `value`.');
    }
    if (streaming) requireStreamPath(options);
    return userSchema ?? TEXT_SCHEMA;
  },
  createStream(options, _userSchema, ctx: SourceContext) {
    return new TextFileSource(requireStreamPath(options), new SourceOptions(options), ctx);
  },
  async readBatch(options, paths) {
    const targets = paths.length > 0 ? paths : [sourceDir(options, paths)];
    const batches = [];
    for (const t of targets) {
      const p = resolve(t.replace(/^file:(\/\/)?/, ''));
      const s = await stat(p).catch(() => undefined);
      if (!s) throw new AnalysisError('', { errorClass: 'PATH_NOT_FOUND', messageParameters: { path: `file:${p}` } });
      const files = s.isDirectory() ? (await listFiles(p)).map((f) => f.path).sort() : [p];
      for (const f of files) {
        const lines = await readTextFile(f);
        batches.push(recordBatch(TEXT_SCHEMA, lines.length, [valuesVector(lines)]));
      }
    }
    return concatBatches(TEXT_SCHEMA, batches);
  },
};

export { textFileReader } from './text-file-reader.js';
