import { ExecutionError } from '../errors/errors.js';

/**
 * The texts sources keep under `sources/<i>/` of a checkpoint, as Spark's HDFSMetadataLog writes
 * them: a `v<N>` line, then the payload. The checkpoint store only maps names to these texts (a
 * file per name, or a Redis hash field per name), so both stores hold byte-identical entries.
 */

/** The lines after the version line; fails on a missing, malformed or too new version line. */
export function versionedLines(text: string, maxVersion: number, where: string): string[] {
  const [first = '', ...rest] = text.split('\n');
  const m = /^v(\d+)$/.exec(first.trim());
  const version = m ? Number(m[1]) : 0;
  if (version <= 0) {
    throw new ExecutionError(`Log file was malformed: failed to detect the log file version line (${where}, found ${JSON.stringify(first.slice(0, 40))}).`);
  }
  if (version > maxVersion) {
    throw new ExecutionError(
      `UnsupportedLogVersion: maximum supported log version is v${maxVersion}, but encountered v${version} (${where}). ` +
        'The log file was produced by a newer version and cannot be read by this version.',
    );
  }
  return rest;
}

/** Spark's RateStreamMicroBatchStream start-time entry (`sources/<i>/0`): `v1`, then the ms as a LongOffset. */
export const RATE_START_TIME_ENTRY = '0';

export function encodeRateStartTime(startTimeMs: number): string {
  return `v1\n${startTimeMs}`;
}

export function decodeRateStartTime(text: string, where: string): number {
  const [value = ''] = versionedLines(text, 1, where);
  const ms = Number(value.trim());
  if (value.trim() === '' || !Number.isInteger(ms)) {
    throw new ExecutionError(`Cannot parse the rate source start time ${where}: ${JSON.stringify(value.slice(0, 40))} is not a number of milliseconds.`);
  }
  return ms;
}
