import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { recordBatch, concatBatches } from '../../batch/record-batch.js';
import { valuesVector } from '../../batch/vector.js';
import { AnalysisError, ExecutionError } from '../../errors/errors.js';
import type { Offset, Source, SourceContext, SourceProvider } from '../source.js';
import { SourceOptions } from '../options.js';
import type { InputSplit } from '../split.js';
import { TEXT_SCHEMA, readTextFile } from './text-reader.js';

interface FileEntry {
  readonly path: string;
  readonly mtimeMs: number;
}

function sourceDir(options: Readonly<Record<string, string>>, paths: readonly string[]): string {
  const p = paths[0] ?? new SourceOptions(options).get('path');
  if (!p) throw new AnalysisError("'path' is not specified");
  return resolve(p.replace(/^file:(\/\/)?/, ''));
}

async function listFiles(dir: string): Promise<FileEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new ExecutionError(`Cannot list ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const out: FileEntry[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name.startsWith('_')) continue;
    const path = join(dir, name);
    const s = await stat(path).catch(() => undefined);
    if (s?.isFile()) out.push({ path, mtimeMs: s.mtimeMs });
  }
  return out;
}

/**
 * Spark's file stream source for text: new files in a directory become batches in order of
 * modification time; each batch's file list is logged in the checkpoint (`fileLog/<n>`), so offsets
 * (`{"logOffset": n}`) replay the same files.
 */
class TextFileSource implements Source {
  readonly schema = TEXT_SCHEMA;
  readonly description: string;
  private readonly seen = new Set<string>();
  private logOffset = -1;
  private loaded = false;

  constructor(
    private readonly dir: string,
    private readonly options: SourceOptions,
    private readonly ctx: SourceContext,
  ) {
    this.description = `FileStreamSource[file:${dir}]`;
  }

  async latestOffset(): Promise<Offset | null> {
    await this.load();
    const maxFiles = this.options.int('maxFilesPerTrigger', Number.POSITIVE_INFINITY, (n) => n > 0, "Invalid value '<value>' for option 'maxFilesPerTrigger', must be a positive integer");
    const latestFirst = this.options.bool('latestFirst', false, "'latestFirst' must be true or false");
    const fresh = (await listFiles(this.dir)).filter((f) => !this.seen.has(f.path));
    fresh.sort((a, b) => (latestFirst ? b.mtimeMs - a.mtimeMs : a.mtimeMs - b.mtimeMs) || a.path.localeCompare(b.path));
    const batch = fresh.slice(0, Number.isFinite(maxFiles) ? maxFiles : undefined);
    if (batch.length > 0) {
      const next = this.logOffset + 1;
      await this.ctx.metadata.putIfAbsent(`fileLog/${next}`, JSON.stringify(batch.map((f) => f.path)));
      batch.forEach((f) => this.seen.add(f.path));
      this.logOffset = next;
    }
    return this.logOffset < 0 ? null : { logOffset: this.logOffset };
  }

  async planSplits(start: Offset | null, end: Offset): Promise<InputSplit[]> {
    await this.load();
    const from = start === null ? 0 : logOffsetOf(start) + 1;
    const to = logOffsetOf(end);
    const splits: InputSplit[] = [];
    for (let n = from; n <= to; n++) {
      const entry = await this.ctx.metadata.get(`fileLog/${n}`);
      if (entry === undefined) throw new ExecutionError(`The file log of ${this.dir} misses entry ${n}.`);
      for (const path of JSON.parse(entry) as string[]) splits.push({ reader: 'text-file', config: { path } });
    }
    return splits;
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Restores the files seen so far from the checkpoint's file log. */
  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    for (let n = 0; ; n++) {
      const entry = await this.ctx.metadata.get(`fileLog/${n}`);
      if (entry === undefined) break;
      for (const p of JSON.parse(entry) as string[]) this.seen.add(p);
      this.logOffset = n;
    }
  }
}

function logOffsetOf(o: Offset): number {
  if (typeof o === 'object' && o !== null && 'logOffset' in o) return Number(o.logOffset);
  return Number(o);
}

export const textSourceProvider: SourceProvider = {
  format: 'text',
  schema(options, userSchema) {
    if (userSchema && (userSchema.fields.length !== 1 || userSchema.fields[0]?.type.kind !== 'string')) {
      throw new AnalysisError('The text source produces a single string column `value`.');
    }
    return userSchema ?? TEXT_SCHEMA;
  },
  createStream(options, _userSchema, ctx: SourceContext) {
    return new TextFileSource(sourceDir(options, []), new SourceOptions(options), ctx);
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

export { textFileReader } from './text-reader.js';
