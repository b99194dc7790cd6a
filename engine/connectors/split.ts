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
  /**
   * The payload as consecutive parts instead (views of what the driver holds, so it need not join
   * them): a transport writes them out in order, and readers see them joined (`splitPayload`).
   */
  readonly payloadParts?: readonly Uint8Array[];
  /** Rows this split will produce, when known (progress and scheduling). */
  readonly numRows?: number;
}

/** The split's bulk payload as one buffer (its parts joined when it came as parts). */
export function splitPayload(split: InputSplit): Uint8Array {
  if (split.payloadParts === undefined) return split.payload ?? new Uint8Array();
  return split.payloadParts.length === 1 ? (split.payloadParts[0] as Uint8Array) : Buffer.concat(split.payloadParts);
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
