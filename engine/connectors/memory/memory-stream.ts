import { randomUUID } from 'node:crypto';
import type { Schema } from '../../types/schema.js';
import type { Offset, Source, SourceProvider } from '../source.js';
import type { InputSplit } from '../split.js';
import { rowsSplit } from '../rows-reader.js';

const streams = new Map<string, MemoryStream>();

/**
 * Spark's MemoryStream, for tests: each `addData` call is one offset; data added before a trigger
 * lands in one batch; no data → no batch. Read it with `format('memory-stream').option('name', id)`.
 */
export class MemoryStream {
  readonly id = `ms-${randomUUID()}`;
  private readonly batches: unknown[][][] = [];

  constructor(readonly schema: Schema) {
    streams.set(this.id, this);
  }

  addData(...rows: unknown[][]): number {
    this.batches.push(rows);
    return this.batches.length - 1;
  }

  get latest(): number {
    return this.batches.length - 1;
  }

  rowsBetween(from: number, to: number): unknown[][] {
    return this.batches.slice(from, to + 1).flat();
  }

  dispose(): void {
    streams.delete(this.id);
  }
}

class MemoryStreamSource implements Source {
  readonly description: string;
  constructor(private readonly stream: MemoryStream) {
    this.description = `MemoryStream[${stream.schema.fields.map((f) => f.name).join(',')}]`;
  }
  get schema(): Schema {
    return this.stream.schema;
  }
  latestOffset(): Promise<Offset | null> {
    return Promise.resolve(this.stream.latest < 0 ? null : this.stream.latest);
  }
  planSplits(start: Offset | null, end: Offset): Promise<InputSplit[]> {
    const from = start === null ? 0 : Number(start) + 1;
    return Promise.resolve([rowsSplit(this.stream.schema, this.stream.rowsBetween(from, Number(end)))]);
  }
  commit(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

function lookup(options: Readonly<Record<string, string>>): MemoryStream {
  const s = streams.get(options['name'] ?? '');
  if (!s) throw new Error(`no memory stream '${options['name'] ?? ''}'`);
  return s;
}

export const memoryStreamProvider: SourceProvider = {
  format: 'memory-stream',
  schema: (options) => lookup(options).schema,
  createStream: (options) => new MemoryStreamSource(lookup(options)),
};
