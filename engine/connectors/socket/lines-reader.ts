import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { isUtf8 } from 'node:buffer';
import { newlineIndex, utf8LinesVector } from '../../batch/utf8-lines.js';
import { valuesVector, type Vector } from '../../batch/vector.js';
import { splitPayload, type InputSplit, type SplitReader } from '../split.js';
import { socketSchema } from './socket-schema.js';

const decoder = new TextDecoder();


export interface LinesSplitConfig {
  readonly includeTimestamp: boolean;
  /** Arrival time (ms) of each line, when includeTimestamp. */
  readonly timestampsMs?: readonly number[];
}

/** Socket lines shipped from the driver as one UTF-8 payload, lines separated by `\n`. */
export const linesReader: SplitReader = {
  name: 'lines',
  read(split: InputSplit): Promise<RecordBatch[]> {
    const config = split.config as LinesSplitConfig;
    const payload = splitPayload(split);
    const schema = socketSchema(config.includeTimestamp);
    let lines: Vector;
    let numRows: number;
    if (isUtf8(payload)) {
      // Kept as bytes: an operator that counts words from them makes no string per line.
      const at = newlineIndex(payload);
      numRows = payload.length === 0 && (split.numRows ?? 0) === 0 ? 0 : at.length + 1;
      lines = utf8LinesVector(payload, numRows, { at, base: 0 });
    } else {
      const text = decoder.decode(payload);
      const values = text === '' && (split.numRows ?? 0) === 0 ? [] : text.split('\n');
      numRows = values.length;
      lines = valuesVector(values);
    }
    const columns = [lines];
    if (config.includeTimestamp) columns.push(valuesVector((config.timestampsMs ?? []).map((ms) => ms * 1000)));
    return Promise.resolve([recordBatch(schema, numRows, columns)]);
  },
};

const encoder = new TextEncoder();

export function linesSplit(lines: readonly string[], timestampsMs: readonly number[] | undefined): InputSplit {
  return linesBytesSplit(encoder.encode(lines.join('\n')), lines.length, timestampsMs);
}

/**
 * The same split from lines already joined by '\n' as UTF-8, in one buffer or as consecutive parts
 * (the socket source keeps what it received as bytes, and ships views of it).
 */
export function linesBytesSplit(joined: Uint8Array | readonly Uint8Array[], numRows: number, timestampsMs: readonly number[] | undefined): InputSplit {
  const config: LinesSplitConfig = timestampsMs ? { includeTimestamp: true, timestampsMs } : { includeTimestamp: false };
  return joined instanceof Uint8Array ? { reader: 'lines', config, payload: joined, numRows } : { reader: 'lines', config, payloadParts: joined, numRows };
}
