import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import { analyzedChildren, collectNodes, isStreamingPlan, type AnalyzedPlan } from '../plan/analyzed-plan.js';

const SPARK_JOIN_NAMES: Readonly<Record<string, string>> = {
  inner: 'Inner',
  leftOuter: 'LeftOuter',
  rightOuter: 'RightOuter',
  fullOuter: 'FullOuter',
  leftSemi: 'LeftSemi',
  leftAnti: 'LeftAnti',
};

function legacy(text: string): AnalysisError {
  return new AnalysisError(text, { errorClass: '_LEGACY_ERROR_TEMP_3102', messageParameters: { msg: text } });
}

/**
 * Spark's UnsupportedOperationChecker rules for joins in a streaming query, for the stream–static
 * joins Kindling runs (inner; left outer/semi/anti with the stream on the left; right outer with
 * the stream on the right). Stream–stream joins, which Spark runs with state, are Kindling's limit.
 */
export function checkStreamingJoins(plan: AnalyzedPlan): void {
  for (const w of collectNodes(plan, 'window')) {
    if (!isStreamingPlan(w.input)) continue;
    // Spark names the function, the column and the window specification.
    const first = w.schema.fields[w.schema.fields.length - w.calls.length];
    const name = first?.name ?? '';
    const at = name.indexOf(' OVER ');
    throw AnalysisError.withClass('NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING', {
      windowFunc: at < 0 ? name : name.slice(0, at),
      columnName: `\`${name}\``,
      windowSpec: at < 0 ? '' : name.slice(at + ' OVER '.length),
    });
  }
  for (const j of collectNodes(plan, 'join')) {
    const left = isStreamingPlan(j.left);
    const right = isStreamingPlan(j.right);
    if (!left && !right) continue;
    const name = SPARK_JOIN_NAMES[j.joinType] ?? j.joinType;
    if (left && right) {
      throw new NotSupportedError('Stream-stream joins are not supported by Kindling; join a stream with a static DataFrame instead.');
    }
    switch (j.joinType) {
      case 'inner':
        break;
      case 'fullOuter':
        throw legacy(
          left
            ? 'FullOuter joins with streaming DataFrames/Datasets on the left and a static DataFrame/Dataset on the right is not supported'
            : 'FullOuter joins with streaming DataFrames/Datasets on the right and a static DataFrame/Dataset on the left is not supported',
        );
      case 'leftAnti':
        if (right) throw legacy('LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported');
        break;
      case 'leftOuter':
      case 'leftSemi':
        if (right) throw legacy(`${name} join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is not supported`);
        break;
      case 'rightOuter':
        if (left) throw legacy('RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the right not supported');
        break;
      default: {
        const never: never = j.joinType;
        throw legacy(`Join type ${String(never)} is not supported with streaming DataFrame/Dataset`);
      }
    }
  }
}

/** The plan's nodes outside the static sides of stream–static joins (what runs per stream row). */
export function streamingSide(plan: AnalyzedPlan): AnalyzedPlan[] {
  const out: AnalyzedPlan[] = [];
  const walk = (p: AnalyzedPlan): void => {
    out.push(p);
    if (p.kind === 'join' && isStreamingPlan(p)) {
      walk(isStreamingPlan(p.left) ? p.left : p.right);
      return;
    }
    analyzedChildren(p).forEach(walk);
  };
  walk(plan);
  return out;
}
