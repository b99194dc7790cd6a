import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import {
  analyzedChildren,
  collectNodes,
  isStreamingPlan,
  type AggregateNode,
  type AnalyzedPlan,
  type ScanNode,
} from '../plan/analyzed-plan.js';
import { checkStreamingJoins, streamingSide } from './streaming-join-checks.js';
import { watermarkDelayMs } from '../types/schema.js';

export type OutputMode = 'append' | 'update' | 'complete';

/** `outputMode(...)` names are case-insensitive; empty means the default, append. */
export function parseOutputMode(mode: string | undefined): OutputMode {
  const m = (mode ?? '').trim().toLowerCase();
  if (m === '') return 'append';
  if (m === 'append' || m === 'update' || m === 'complete') return m;
  throw new AnalysisError('', {
    errorClass: 'STREAMING_OUTPUT_MODE.INVALID',
    messageParameters: { outputMode: mode ?? '' },
  });
}

/** Spark's legacy checker errors: plain text (no class prefix) followed by `;` and the plan. */
function legacy(text: string): AnalysisError {
  return new AnalysisError(text, { errorClass: '_LEGACY_ERROR_TEMP_3102', messageParameters: { msg: text } });
}

/**
 * Spark's UnsupportedOperationChecker for streaming queries, for the operators Kindling plans:
 * output mode vs aggregation and watermark, sort/limit placement, distinct aggregates.
 */
export function checkStreamingQuery(plan: AnalyzedPlan, mode: OutputMode): void {
  if (!isStreamingPlan(plan)) {
    throw new AnalysisError('', { errorClass: 'WRITE_STREAM_NOT_ALLOWED' });
  }
  const aggregates = collectNodes(plan, 'aggregate').filter((a) => isStreamingPlan(a.input));
  if (aggregates.length > 1) {
    throw new NotSupportedError('Multiple streaming aggregations are not supported with streaming DataFrames/Datasets.');
  }
  const agg = aggregates[0];
  if (agg?.aggregates.some((c) => c.distinct)) {
    throw legacy(
      'Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead.',
    );
  }
  if (!agg && mode === 'complete') {
    throw unsupportedMode(mode, 'no streaming aggregations');
  }
  if (agg && mode === 'append' && eventTimeGrouping(agg) === undefined) {
    throw unsupportedMode(mode, 'streaming aggregations without watermark');
  }
  checkStreamingJoins(plan);
  const side = streamingSide(plan);
  const scans = side.filter((n): n is ScanNode => n.kind === 'scan');
  if (collectNodes(plan, 'union').length > 0) {
    throw new NotSupportedError(
      'union() of streaming DataFrames is not supported by Kindling yet: a streaming query reads exactly one streaming source ' +
        '(so one event-time watermark; spark.sql.streaming.multipleWatermarkPolicy has nothing to combine).',
    );
  }
  if (scans.filter((s) => s.streaming).length > 1) {
    throw new NotSupportedError('Kindling plans a streaming query over exactly one streaming source (joins of streams are not supported).');
  }
  if (scans.some((s) => !s.streaming) || side.some((n) => n.kind === 'localData' || n.kind === 'table')) {
    throw new NotSupportedError('Mixing static and streaming relations in one query is not supported by Kindling.');
  }
  walkAbove(plan, agg, mode);
}

function walkAbove(plan: AnalyzedPlan, agg: AggregateNode | undefined, mode: OutputMode): void {
  const aboveAgg = (p: AnalyzedPlan): boolean => agg !== undefined && !!findDown(p, agg);
  const visit = (p: AnalyzedPlan): void => {
    switch (p.kind) {
      case 'sort':
        if (!(aboveAgg(p) && mode === 'complete')) {
          throw legacy(
            'Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode',
          );
        }
        break;
      case 'limit':
        if (mode === 'update') throw legacy('Limits are not supported on streaming DataFrames/Datasets in Update output mode');
        if (!(aboveAgg(p) && mode === 'complete')) {
          throw new NotSupportedError('Kindling supports limit on a streaming query only after an aggregation in complete mode.');
        }
        break;
      case 'offset':
        throw legacy('Offset is not supported on streaming DataFrames/Datasets');
      case 'deduplicate':
        throw new NotSupportedError('dropDuplicates on a streaming DataFrame is not supported by Kindling yet.');
      default:
        break;
    }
    analyzedChildren(p).forEach(visit);
  };
  visit(plan);
}

function findDown(p: AnalyzedPlan, target: AnalyzedPlan): boolean {
  return p === target || analyzedChildren(p).some((c) => findDown(c, target));
}

function unsupportedMode(mode: OutputMode, operation: string): AnalysisError {
  return new AnalysisError('', {
    errorClass: 'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION',
    messageParameters: { outputMode: mode, operation },
  });
}

/**
 * The grouping column carrying watermark metadata (the window, or a raw event-time column), whose
 * end / value decides lateness and eviction; undefined when the aggregation has no usable watermark.
 */
export function eventTimeGrouping(agg: AggregateNode): number | undefined {
  for (let i = 0; i < agg.groupings.length; i++) {
    const f = agg.schema.fields[i];
    if (f && watermarkDelayMs(f) !== undefined) return i;
  }
  return undefined;
}
