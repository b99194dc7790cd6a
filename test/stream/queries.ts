import { E, type Expr } from '../../engine/expr/expr.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import { MemoryStream } from '../../engine/connectors/index.js';

/** Plans as the DataFrame API builds them, for engine-level stream tests. */
export const Q = {
  read(stream: MemoryStream): LogicalPlan {
    return {
      kind: 'read',
      source: { type: 'dataSource', format: 'memory-stream', options: { name: stream.id }, paths: [] },
      isStreaming: true,
    };
  },
  withColumn(input: LogicalPlan, name: string, expr: Expr): LogicalPlan {
    return { kind: 'withColumns', input, columns: [{ name, expr }] };
  },
  withWatermark(input: LogicalPlan, eventTime: string, delay: string): LogicalPlan {
    return { kind: 'withWatermark', input, eventTime, delay };
  },
  groupBy(input: LogicalPlan, grouping: Expr[], aggregates: Expr[]): LogicalPlan {
    return { kind: 'aggregate', input, groupType: 'groupby', grouping, aggregates };
  },
  select(input: LogicalPlan, ...exprs: Expr[]): LogicalPlan {
    return { kind: 'project', input, exprs };
  },
  count(): Expr {
    return E.alias(E.call('count', [E.lit(1, T.integer)]), 'count');
  },
  window(col: string, width: string, slide?: string): Expr {
    return E.call('window', [E.col(col), E.lit(width, T.string), ...(slide ? [E.lit(slide, T.string)] : [])]);
  },
};

export function intStream(): MemoryStream {
  return new MemoryStream(schemaOf([T.field('value', T.integer)]));
}

/**
 * Spark's Q10/5 from its watermark suites: eventTime = timestamp_seconds(value), watermark 10 s,
 * 5-second tumbling window counts, output (window.start as epoch seconds, count).
 */
export function windowedCount(stream: MemoryStream, width = '5 seconds', slide?: string, withEnd = false): LogicalPlan {
  const withTime = Q.withColumn(Q.read(stream), 'eventTime', E.call('timestamp_seconds', [E.col('value')]));
  const wm = Q.withWatermark(withTime, 'eventTime', '10 seconds');
  const agg = Q.groupBy(wm, [Q.window('eventTime', width, slide)], [Q.count()]);
  return Q.select(
    agg,
    E.alias(E.cast(E.col('window.start'), T.long), 'start'),
    ...(withEnd ? [E.alias(E.cast(E.col('window.end'), T.long), 'end')] : []),
    E.col('count'),
  );
}
