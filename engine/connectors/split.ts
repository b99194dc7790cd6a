import type { RecordBatch } from '../batch/record-batch.js';
import type { EvalContext } from '../functions/function.js';

/**
 * A unit of input for one map task, as data: the reader that turns it into rows, its JSON config,
 * and an optional bulk payload (e.g. socket lines as UTF-8) that transports carry as raw bytes.
 */
export interface InputSplit {
  readonly reader: string;
  readonly config: unknown;
  readonly payload?: Uint8Array;
  /** Rows this split will produce, when known (progress and scheduling). */
  readonly numRows?: number;
}

/** Reads one kind of split on whichever process runs the map task. */
export interface SplitReader {
  readonly name: string;
  read(split: InputSplit, ctx: EvalContext): Promise<readonly RecordBatch[]>;
}

export class SplitReaderRegistry {
  private readonly readers = new Map<string, SplitReader>();

  register(reader: SplitReader): this {
    this.readers.set(reader.name, reader);
    return this;
  }

  get(name: string): SplitReader | undefined {
    return this.readers.get(name);
  }
}
