import type { OutputMode } from '../../analysis/streaming-checks.js';
import type { ResolveContext } from '../../functions/function.js';

/** `df.explain(mode)`: Spark's explain modes. */
export type ExplainMode = 'simple' | 'extended' | 'formatted' | 'codegen' | 'cost';

/** A started query's last planned batch: what Spark's `lastExecution` shows. */
export interface StreamingRunInfo {
  readonly batchId: number;
  readonly runId: string;
  /** The query's checkpoint location; state lives under `<location>/state`. */
  readonly checkpointLocation: string;
  /** The sink's description (`MemorySink`). */
  readonly sink: string;
  /** The source's description (`TextSocketV2[host: localhost, port: 9999]`). */
  readonly source: string;
  /** The batch's late-row watermark (the previous batch's) and eviction watermark (its own). */
  readonly lateWatermarkMs: number;
  readonly evictionWatermarkMs: number;
  readonly batchTimestampMs: number;
}

/** How a streaming plan runs on Kindling: partitions, state store, output mode; `run` once started. */
export interface StreamingExplainInfo {
  readonly numPartitions: number;
  /** The state store provider (`memory`, `redis`). */
  readonly stateProvider: string;
  readonly outputMode: OutputMode;
  readonly run?: StreamingRunInfo;
}

export interface ExplainOptions {
  readonly mode?: ExplainMode;
  /** For a streaming plan: show the incremental plan (state operators, exchange) and Kindling's stages. */
  readonly streaming?: StreamingExplainInfo;
  /** The session's time zone and ANSI flag (literals, aggregate buffers). */
  readonly resolve?: ResolveContext;
  /** What `current_timestamp()` stands for in the optimized and physical plans (a running query: its batch's timestamp). */
  readonly currentTimestampMs?: number;
}
