import { readFile } from 'node:fs/promises';
import { ExecutionError } from '../../errors/errors.js';
import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { valuesVector } from '../../batch/vector.js';
import { T } from '../../types/data-type.js';
import { schemaOf } from '../../types/schema.js';
import type { InputSplit, SplitReader } from '../split.js';

export const TEXT_SCHEMA = schemaOf([T.field('value', T.string)]);

/** Splits file content into lines the way Hadoop's LineRecordReader does (`\n`, `\r\n`, `\r`). */
export function textLines(content: string): string[] {
  if (content === '') return [];
  const lines = content.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export async function readTextFile(path: string): Promise<string[]> {
  try {
    return textLines(await readFile(path, 'utf8'));
  } catch (e) {
    throw new ExecutionError(`Could not read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** One file of a text source batch, read where the task runs (the path must be visible there). */
export const textFileReader: SplitReader = {
  name: 'text-file',
  async read(split: InputSplit): Promise<RecordBatch[]> {
    const { path } = split.config as { path: string };
    const lines = await readTextFile(path);
    return [recordBatch(TEXT_SCHEMA, lines.length, [valuesVector(lines)])];
  },
};
