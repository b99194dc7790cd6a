import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { analyze } from '../../engine/analysis/analyzer.js';
import type { AnalyzerContext } from '../../engine/analysis/context.js';
import { batchFromRows, concatBatches, sliceBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import { AnalysisError, NotSupportedError } from '../../engine/errors/errors.js';
import { showString } from '../../engine/format/index.js';
import { executeBatchPlan } from '../../engine/physical/batch-executor.js';
import { explainPlan, type ExplainMode } from '../../engine/physical/explain/index.js';
import { isStreamingPlan, type AnalyzedPlan, type SourceSpec } from '../../engine/plan/analyzed-plan.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { P } from '../../engine/plan/plan-nodes.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf, type Schema } from '../../engine/types/schema.js';
import type { StreamingQueryManager as Manager } from '../streaming/query-manager.js';
import { StreamingQueryManager } from '../streaming/query-manager.js';
import type { StreamingQuery } from '../streaming/streaming-query.js';
import { startStreamingQuery, type WriteStreamSpec } from '../streaming/start-query.js';
import type { MasterRuntime } from './runtime.js';
import { SessionCatalog } from './session-catalog.js';
import { fillPivotValues } from './pivot-values.js';
import { SessionConf } from './session-conf.js';

export const SHOW_STRING_SCHEMA: Schema = schemaOf([T.field('show_string', T.string, false)]);

/**
 * A Spark session on the master: settings, temp views and memory tables, streaming queries, and
 * the operations Spark Connect requests map to (analyze, execute, show, start a stream).
 */
export class Session {
  readonly conf: SessionConf;
  readonly catalog: SessionCatalog;
  readonly streams: Manager = new StreamingQueryManager();
  readonly log: Logger;
  private closed = false;

  constructor(
    readonly runtime: MasterRuntime,
    readonly sessionId: string,
    readonly userId: string,
    readonly serverSideSessionId: string,
  ) {
    this.conf = new SessionConf(runtime.defaults);
    this.catalog = new SessionCatalog(runtime.globalViews);
    this.log = runtime.log.child({ sessionId });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  analyzerContext(): AnalyzerContext {
    const sources = this.runtime.sources;
    return {
      catalog: this.catalog,
      registry: this.runtime.registry,
      conf: { timeZone: this.conf.timeZone, ansi: this.conf.ansi },
      sourceSchema(spec: SourceSpec, streaming: boolean): Schema {
        const provider = sources.get(spec.format);
        if (!provider) {
          throw new AnalysisError('', {
            errorClass: 'DATA_SOURCE_NOT_FOUND',
            messageParameters: { provider: spec.format },
          });
        }
        if (streaming && !provider.createStream) {
          throw new NotSupportedError(`Data source ${spec.format} does not support streamed reading.`);
        }
        // As for createStream: `load(path)` is the source's `path` option.
        const [path] = spec.paths;
        return provider.schema(path === undefined ? spec.options : { ...spec.options, path }, spec.userSchema, streaming);
      },
    };
  }

  analyze(plan: LogicalPlan): AnalyzedPlan {
    return analyze(plan, this.analyzerContext());
  }

  schema(plan: LogicalPlan): Schema {
    if (plan.kind === 'showString') return SHOW_STRING_SCHEMA;
    return this.analyze(plan).schema;
  }

  isStreaming(plan: LogicalPlan): boolean {
    if (plan.kind === 'showString') return false;
    return isStreamingPlan(this.analyze(plan));
  }

  /**
   * `df.explain(mode)`. A streaming DataFrame shows the plan a query started from it would run
   * (as Spark does, in append mode before any batch), with Kindling's stages.
   */
  explain(plan: LogicalPlan, mode: ExplainMode): string {
    const analyzed = this.analyze(plan.kind === 'showString' ? plan.input : plan);
    return explainPlan(analyzed, this.runtime.registry, {
      mode,
      resolve: { timeZone: this.conf.timeZone, ansi: this.conf.ansi },
      currentTimestampMs: this.runtime.clock.now(),
      streaming: {
        numPartitions: Math.max(1, this.conf.int('spark.sql.shuffle.partitions', 200)),
        stateProvider: this.runtime.executor.stateProvider,
        outputMode: 'append',
      },
    });
  }

  /** Runs a batch query (or `show()`), returning all its rows. */
  async execute(plan: LogicalPlan): Promise<RecordBatch> {
    if (plan.kind === 'showString') return this.showString(plan);
    return this.run(this.analyze(await fillPivotValues(plan, (p) => this.execute(p))));
  }

  async run(analyzed: AnalyzedPlan): Promise<RecordBatch> {
    const sources = this.runtime.sources;
    return executeBatchPlan(analyzed, {
      registry: this.runtime.registry,
      eval: {
        batchTimestampUs: this.runtime.clock.now() * 1000,
        timeZone: this.conf.timeZone,
        ansi: this.conf.ansi,
      },
      readTable: (name) => this.catalog.readTable(name),
      leafParallelism: this.conf.int('spark.sql.leafNodeDefaultParallelism', availableParallelism()),
      readSource: async (scan) => {
        const provider = sources.get(scan.source.format);
        if (!provider?.readBatch) {
          throw new NotSupportedError(`Data source ${scan.source.format} does not support batch reading.`);
        }
        return provider.readBatch(scan.source.options, scan.source.paths, scan.source.userSchema);
      },
    });
  }

  private async showString(plan: Extract<LogicalPlan, { kind: 'showString' }>): Promise<RecordBatch> {
    const rows = await this.execute(P.limit(plan.input, plan.numRows + 1));
    const text = showString(sliceBatch(rows, 0, plan.numRows + 1), plan.numRows, plan.truncate, plan.vertical, this.conf.timeZone);
    return batchFromRows(SHOW_STRING_SCHEMA, [[text]]);
  }

  createView(name: string, plan: LogicalPlan, replace: boolean, global: boolean): void {
    this.analyze(plan);
    this.catalog.createView(name, plan, replace, global);
  }

  startStream(spec: WriteStreamSpec): Promise<StreamingQuery> {
    if (this.closed) throw new AnalysisError('The session is closed.');
    return startStreamingQuery(this, spec);
  }

  /** Rows of several batches as one (helper for callers collecting results). */
  static concat(schema: Schema, parts: readonly RecordBatch[]): RecordBatch {
    return concatBatches(schema, parts);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.streams.stopAll();
  }
}
