import type { RecordBatch } from '../../../engine/batch/record-batch.js';
import { sliceBatch } from '../../../engine/batch/record-batch.js';
import type { Sink } from '../../../engine/connectors/sink.js';
import { consoleBatchText, showString } from '../../../engine/format/index.js';
import { IllegalArgumentError } from '../../../engine/errors/errors.js';

export interface ConsoleOptions {
  readonly numRows: number;
  readonly truncate: boolean;
}

export function consoleOptions(raw: Readonly<Record<string, string>>): ConsoleOptions {
  const get = (k: string): string | undefined =>
    Object.entries(raw).find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1];
  const numRows = Number(get('numRows') ?? '20');
  if (!Number.isInteger(numRows) || numRows < 0) throw new IllegalArgumentError(`Invalid numRows: ${get('numRows')}`);
  const truncate = (get('truncate') ?? 'true').toLowerCase() !== 'false';
  return { numRows, truncate };
}

/** Spark's console sink: each batch (also empty and no-data ones) printed as Spark prints it. */
export class ConsoleSink implements Sink {
  readonly description = 'org.apache.spark.sql.execution.streaming.ConsoleTable$';
  private lastBatchId = -1;

  constructor(
    private readonly options: ConsoleOptions,
    private readonly timeZone: string,
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
  ) {}

  addBatch(batchId: number, batch: RecordBatch): Promise<void> {
    if (batchId <= this.lastBatchId) return Promise.resolve();
    const shown = sliceBatch(batch, 0, this.options.numRows + 1);
    const table = showString(shown, this.options.numRows, this.options.truncate ? 20 : 0, false, this.timeZone);
    this.write(consoleBatchText(batchId, table));
    this.lastBatchId = batchId;
    return Promise.resolve();
  }
}
