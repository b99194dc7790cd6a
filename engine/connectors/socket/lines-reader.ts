import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { valuesVector } from '../../batch/vector.js';
import type { InputSplit, SplitReader } from '../split.js';
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
    const payload = split.payload ?? new Uint8Array();
    const text = decoder.decode(payload);
    const lines = text === '' && (split.numRows ?? 0) === 0 ? [] : text.split('\n');
    const schema = socketSchema(config.includeTimestamp);
    const columns = [valuesVector(lines)];
    if (config.includeTimestamp) columns.push(valuesVector((config.timestampsMs ?? []).map((ms) => ms * 1000)));
    return Promise.resolve([recordBatch(schema, lines.length, columns)]);
  },
};

const encoder = new TextEncoder();

export function linesSplit(lines: readonly string[], timestampsMs: readonly number[] | undefined): InputSplit {
  return linesBytesSplit(encoder.encode(lines.join('\n')), lines.length, timestampsMs);
}

/** The same split from lines already joined by '\n' as UTF-8 (the socket source keeps what it received as bytes). */
export function linesBytesSplit(joined: Uint8Array, numRows: number, timestampsMs: readonly number[] | undefined): InputSplit {
  const config: LinesSplitConfig = timestampsMs ? { includeTimestamp: true, timestampsMs } : { includeTimestamp: false };
  return { reader: 'lines', config, payload: joined, numRows };
}
