/**
 * Every Redis key Kindling uses, in one place (master and worker both build keys from here; the
 * engine never talks to Redis itself). Keys that one atomic step touches together share a
 * `{hash tag}`, so the layout also works on Redis Cluster.
 */
const PREFIX = 'kindling';

/** Hash tags must not contain braces; names are made safe by percent-encoding them. */
function tag(kind: string, ...parts: readonly (string | number)[]): string {
  return `{${kind}:${parts.map((p) => encodeURIComponent(String(p))).join(':')}}`;
}

/** A streaming query's checkpoint, named by its `checkpointLocation`. */
export const CheckpointKeys = {
  metadata: (checkpoint: string): string => `${PREFIX}:${tag('cp', checkpoint)}:metadata`,
  /** Hash: batch id → offset-log entry (write-once with HSETNX). */
  offsets: (checkpoint: string): string => `${PREFIX}:${tag('cp', checkpoint)}:offsets`,
  /** Hash: batch id → commit-log entry (write-once with HSETNX). */
  commits: (checkpoint: string): string => `${PREFIX}:${tag('cp', checkpoint)}:commits`,
  /** Hash: a source's own write-once metadata (rate start time, file log, ...). */
  sourceMetadata: (checkpoint: string, source: number): string => `${PREFIX}:${tag('cp', checkpoint)}:source:${source}:meta`,
  /** List: the socket source's write-ahead log, one element per append (its lines joined by `\n`). */
  sourceLog: (checkpoint: string, source: number): string => `${PREFIX}:${tag('cp', checkpoint)}:source:${source}:wal`,
  /** List: for each element of `sourceLog`, the total number of lines logged up to and including it. */
  sourceLogEnds: (checkpoint: string, source: number): string => `${PREFIX}:${tag('cp', checkpoint)}:source:${source}:wal-ends`,
  /**
   * String: the index of the first line still in `sourceLog` once committed chunks were trimmed
   * (absent = 0: nothing trimmed); `sourceLogEnds` is trimmed with it, its totals stay absolute.
   */
  sourceLogBase: (checkpoint: string, source: number): string => `${PREFIX}:${tag('cp', checkpoint)}:source:${source}:wal-base`,
  /**
   * Hash: the run lease: `token` (HINCRBY on every start of the query, on any master: the fencing
   * token of the newest run), `runId` and `since` (ms) of that run. Offsets/commits writes and WAL
   * appends of a run whose token is no longer `token` are refused in the same script.
   */
  runLease: (checkpoint: string): string => `${PREFIX}:${tag('cp', checkpoint)}:run-lease`,
  /** Pattern matching every key of a checkpoint (for deleting temporary ones). */
  pattern: (checkpoint: string): string => `${PREFIX}:${tag('cp', checkpoint)}:*`,
};

/** One partition of one stateful operator's state. */
export const StateKeys = {
  /** Hash: encoded grouping key → encoded aggregation buffer. */
  rows: (checkpoint: string, op: number, partition: number): string => `${PREFIX}:${tag('st', checkpoint, op, partition)}:rows`,
  /**
   * Hash: `lastBatch` applied, the fencing `epoch` of the partition's owner, the `run` token of the
   * newest query run that touched it (older runs' writes are refused), the `version` of the rows
   * (new with every write; a worker's copy of the rows is valid while it matches) and `bytes`.
   */
  meta: (checkpoint: string, op: number, partition: number): string => `${PREFIX}:${tag('st', checkpoint, op, partition)}:meta`,
  /**
   * Hash: encoded (pane, keys) → encoded buffer, instead of `rows` for an aggregation whose state is
   * kept by pane (checkpoint conf `kindling.sql.streaming.paneState`): its windows are made from these.
   */
  panes: (checkpoint: string, op: number, partition: number): string => `${PREFIX}:${tag('st', checkpoint, op, partition)}:panes`,
  /** String: the rows the last applied batch emitted (returned again when it is re-run). */
  output: (checkpoint: string, op: number, partition: number): string => `${PREFIX}:${tag('st', checkpoint, op, partition)}:output`,
  /** Pattern matching every state key of a checkpoint. */
  pattern: (checkpoint: string): string => `${PREFIX}:{st:${encodeURIComponent(checkpoint)}:*`,
};

/** Which worker owns each state partition of a query (master-side bookkeeping). */
export const OwnershipKeys = {
  owners: (queryId: string): string => `${PREFIX}:${tag('own', queryId)}:owners`,
};
