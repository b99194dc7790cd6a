import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { checkStreamingQuery, parseOutputMode, type OutputMode } from '../../engine/analysis/streaming-checks.js';
import type { Sink } from '../../engine/connectors/sink.js';
import { AnalysisError, IllegalArgumentError, NotSupportedError } from '../../engine/errors/errors.js';
import { collectNodes, type ScanNode } from '../../engine/plan/analyzed-plan.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { PANE_SHUFFLE_CONF, PANE_STATE_CONF } from './resume-point.js';
import { planStreamingQuery, type StreamingPlan } from '../../engine/physical/streaming-planner.js';
import { bindStaticInputs } from '../../engine/physical/stream-static-join.js';
import { explainPlan } from '../../engine/physical/explain/index.js';
import type { Session } from '../session/session.js';
import type { CheckpointStore } from './checkpoint/checkpoint-store.js';
import { MicroBatchRunner } from './micro-batch-runner.js';
import { ConsoleSink, consoleOptions } from './sinks/console-sink.js';
import { NoopSink } from './sinks/noop-sink.js';
import { MEMORY_SINK_MAX_ROWS_CONF, MEMORY_SINK_MAX_ROWS_DEFAULT, MemorySink } from './sinks/memory-sink.js';
import { StreamingQuery } from './streaming-query.js';
import { DEFAULT_TRIGGER, processingTime, type Trigger } from './trigger.js';

/** What `writeStream...start()` asks for (Spark Connect's WriteStreamOperationStart). */
export interface WriteStreamSpec {
  readonly input: LogicalPlan;
  readonly format: string;
  readonly options: Readonly<Record<string, string>>;
  readonly outputMode: string;
  readonly queryName: string;
  readonly trigger:
    | { readonly kind: 'default' }
    | { readonly kind: 'processingTime'; readonly interval: string }
    | { readonly kind: 'once' }
    | { readonly kind: 'availableNow' }
    | { readonly kind: 'continuous'; readonly interval: string };
  readonly path?: string;
  readonly tableName?: string;
  readonly foreach?: boolean;
}

const DRIVER_SINKS = new Set(['memory', 'console', 'noop']);
/** Spark's sinks Kindling does not write to (yet): files. */
const SPARK_SINKS = new Set(['parquet', 'json', 'csv', 'orc', 'text', 'xml']);
/** Spark's read-only formats: its `_LEGACY_ERROR_TEMP_2049` ("does not support streamed writing"). */
const READ_ONLY_FORMATS = new Set(['rate', 'rate-micro-batch', 'socket', 'jdbc', 'libsvm', 'image', 'binaryfile', 'redis']);

/** The error Spark raises for a sink format it cannot write a stream to, or Kindling's own limit. */
function unsupportedSink(format: string): Error {
  if (format === 'kafka') return AnalysisError.withClass('KAFKA_DATA_SOURCE_NOT_ENABLED', { provider: format });
  if (format === 'avro') return AnalysisError.withClass('AVRO_DATA_SOURCE_NOT_ENABLED', { provider: format });
  if (READ_ONLY_FORMATS.has(format)) {
    return NotSupportedError.withClass('_LEGACY_ERROR_TEMP_2049', { className: format, operator: 'writing' });
  }
  if (SPARK_SINKS.has(format)) {
    return new NotSupportedError(`The ${format} sink is not supported by Kindling; it writes streams to memory, console and noop.`);
  }
  return AnalysisError.withClass('DATA_SOURCE_NOT_FOUND', { provider: format });
}

/**
 * Analyzes and checks the query, picks its checkpoint (an explicit one, one under the session's
 * checkpoint root, or a temporary one for memory/console/noop sinks), plans its stages, and starts it.
 */
export async function startStreamingQuery(session: Session, spec: WriteStreamSpec): Promise<StreamingQuery> {
  const runtime = session.runtime;
  const conf = session.conf;
  if (spec.foreach) throw new NotSupportedError('foreach and foreachBatch sinks are not supported by Kindling yet.');
  const mode: OutputMode = parseOutputMode(spec.outputMode);
  const trigger = toTrigger(spec.trigger);
  const analyzed = session.analyze(spec.input);
  checkStreamingQuery(analyzed, mode);
  const format = (spec.format || 'memory').toLowerCase();
  if (spec.tableName) throw new NotSupportedError('toTable() is not supported by Kindling; use format("memory").');
  if (!DRIVER_SINKS.has(format)) throw unsupportedSink(format);
  const name = spec.queryName === '' ? null : spec.queryName;
  if (format === 'memory' && name === null) throw AnalysisError.withClass('_LEGACY_ERROR_TEMP_1194');

  const option = (k: string): string | undefined =>
    Object.entries(spec.options).find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1];
  const explicit = option('checkpointLocation');
  const root = conf.get('spark.sql.streaming.checkpointLocation');
  const location = explicit ?? (root ? join(root, name ?? randomUUID()) : runtime.checkpoints.temporaryLocation());
  const temporary = explicit === undefined && !root;
  const checkpoint = await runtime.checkpoints.open(location, temporary);
  // Spark's rule; tests that restart a memory sink on purpose (Spark's own do) opt out.
  const testRecovery = option('_kindling.test.recoverMemorySink') === 'true';
  if (format === 'memory' && mode !== 'complete' && !temporary && !testRecovery && (await checkpoint.offsets.latest())) {
    throw AnalysisError.withClass('_LEGACY_ERROR_TEMP_1299', { checkpointPath: `${location}/offsets` });
  }
  const meta = (await checkpoint.readMetadata()) ?? (await checkpoint.writeMetadata({ id: randomUUID() }));
  const id = meta.id;
  const runId = randomUUID();
  session.streams.checkCanStart(name);
  const claim = await runtime.activeRuns.claim(id, conf.bool('spark.sql.streaming.stopActiveRunOnRestart', true), session.log.child({ component: 'query', queryId: id, runId }));
  try {
    const query = await startRun(session, spec, { id, runId, name, mode, trigger, analyzed, format, location, checkpoint });
    claim.register(query);
    return query;
  } finally {
    claim.abandon();
  }
}

interface RunSpec {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly mode: OutputMode;
  readonly trigger: Trigger;
  readonly analyzed: ReturnType<Session['analyze']>;
  readonly format: string;
  readonly location: string;
  readonly checkpoint: CheckpointStore;
}

/** Starts one run of a query whose earlier run (if any) has stopped: takes the run lease first. */
async function startRun(session: Session, spec: WriteStreamSpec, r: RunSpec): Promise<StreamingQuery> {
  const { runtime, conf } = session;
  const { id, runId, name, mode, trigger, analyzed, format, location, checkpoint } = r;
  const runToken = await checkpoint.acquireRunLease(runId);

  const numPartitions = conf.int('spark.sql.shuffle.partitions', 200);
  if (numPartitions <= 0) throw new IllegalArgumentError('spark.sql.shuffle.partitions must be positive');
  const resolveCtx = { timeZone: conf.timeZone, ansi: conf.ansi };
  const plan = planStreamingQuery(analyzed, mode, numPartitions, runtime.registry, resolveCtx);
  const scan: ScanNode = plan.source;
  const provider = runtime.sources.get(scan.source.format);
  if (!provider?.createStream) throw new NotSupportedError(`Data source ${scan.source.format} does not support streamed reading.`);
  const log = session.log.child({ component: 'query', queryId: id, runId, runToken, queryName: name });
  // Spark Connect carries readStream.load(path) / .text(path) as the relation's paths; as in Spark,
  // that path is the source's `path` option.
  const [path] = scan.source.paths;
  const sourceOptions = path === undefined ? scan.source.options : { ...scan.source.options, path };
  const source = provider.createStream(sourceOptions, scan.source.userSchema, {
    clock: runtime.clock,
    metadata: checkpoint.sourceMetadata(0),
    lineLog: () => checkpoint.lineLog(0),
    log,
    parallelism: () => runtime.executor.parallelism(),
    conf: (key) => conf.get(key),
    readAllAvailable: trigger.kind === 'once',
  });

  let sink: Sink;
  if (format === 'memory') {
    const maxRows = conf.int(MEMORY_SINK_MAX_ROWS_CONF, MEMORY_SINK_MAX_ROWS_DEFAULT);
    if (maxRows <= 0) {
      throw new IllegalArgumentError(`${MEMORY_SINK_MAX_ROWS_CONF} must be a positive number of rows, got '${conf.get(MEMORY_SINK_MAX_ROWS_CONF) ?? ''}'`);
    }
    const table = new MemorySink(name ?? id, analyzed.schema, mode, maxRows, log);
    session.catalog.registerMemoryTable(name ?? id, table);
    sink = table;
  } else if (format === 'noop') {
    sink = new NoopSink();
  } else {
    sink = new ConsoleSink(consoleOptions(spec.options), conf.timeZone);
  }

  let query: StreamingQuery | undefined;
  const callbacks = StreamingQuery.callbacks(() => query);
  const runner = new MicroBatchRunner({
    queryId: id,
    runId,
    runToken,
    name,
    plan,
    source,
    sink,
    checkpoint,
    executor: runtime.executor,
    registry: runtime.registry,
    clock: runtime.clock,
    trigger,
    conf: {
      numPartitions,
      timeZone: conf.timeZone,
      ansi: conf.ansi,
      noDataMicroBatches: conf.bool('spark.sql.streaming.noDataMicroBatches.enabled', true),
      pollingDelayMs: conf.millis('spark.sql.streaming.pollingDelay', 10),
      noDataProgressIntervalMs: conf.millis('spark.sql.streaming.noDataProgressEventInterval', 10_000),
      watermarkPolicy: conf.get('spark.sql.streaming.multipleWatermarkPolicy')?.toLowerCase() === 'max' ? 'max' : 'min',
      minBatchesToRetain: conf.int('spark.sql.streaming.minBatchesToRetain', 100),
      maxBatchAttempts: Math.max(1, conf.int('kindling.streaming.maxBatchAttempts', 4)),
      paneShuffle: conf.bool(PANE_SHUFFLE_CONF, true),
      paneState: conf.bool(PANE_STATE_CONF, true),
    },
    log,
    ...callbacks,
    ...((plan.staticInputs ?? []).length > 0
      ? { bindStatic: async (p: StreamingPlan) => bindStaticInputs(p, await Promise.all((p.staticInputs ?? []).map((s) => session.run(s)))) }
      : {}),
  });
  const sinkDescription = sink.description;
  query = new StreamingQuery(
    id,
    runId,
    name,
    runner,
    {
      async cleanup(failed) {
        await source.stop();
        await runtime.executor.releaseQuery(id, runToken);
        if (checkpoint.temporary && !failed) await checkpoint.destroy();
      },
      explain(extended) {
        const last = runner.lastExecution;
        if (last === undefined) return 'No physical plan. Waiting for data.';
        return explainPlan(analyzed, runtime.registry, {
          mode: extended ? 'extended' : 'simple',
          resolve: resolveCtx,
          streaming: {
            numPartitions: runner.currentPartitions,
            stateProvider: runtime.executor.stateProvider,
            outputMode: mode,
            run: { ...last, runId, checkpointLocation: location, sink: sinkDescription, source: source.description },
          },
        });
      },
    },
    conf.int('spark.sql.streaming.numRecentProgressUpdates', 100),
    log,
  );
  session.streams.register(query);
  runtime.queryDirectory.add({
    query,
    sessionId: session.sessionId,
    userId: session.userId,
    startedAtMs: runtime.clock.now(),
    sinkFormat: format,
    table: sink instanceof MemorySink ? sink : undefined,
    watermarkMs: () => runner.currentWatermarkMs,
    hasWatermark: plan.watermarks.length > 0,
    explain: () => (query as StreamingQuery).explain(false),
  });
  log.info({ checkpoint: location, format, mode, partitions: numPartitions, scans: collectNodes(analyzed, 'scan').length }, 'streaming query started');
  return query;
}

function toTrigger(t: WriteStreamSpec['trigger']): Trigger {
  switch (t.kind) {
    case 'default':
      return DEFAULT_TRIGGER;
    case 'processingTime':
      return processingTime(t.interval);
    case 'once':
      return { kind: 'once' };
    case 'availableNow':
      return { kind: 'availableNow' };
    case 'continuous':
      throw new NotSupportedError('Continuous processing is not supported by Kindling; use a processing-time trigger.');
    default: {
      const never: never = t;
      throw new NotSupportedError(`Unknown trigger ${JSON.stringify(never)}`);
    }
  }
}
