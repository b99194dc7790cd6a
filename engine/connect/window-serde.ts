import { E, type Expr, type FrameBoundary, type WindowExpr, type WindowFrame } from '../expr/expr.js';
import type {
  _spark_connect_Expression_Window as WindowProto,
  _spark_connect_Expression_Window__Output as WindowMsg,
  _spark_connect_Expression_Window_WindowFrame_FrameBoundary as BoundaryProto,
  _spark_connect_Expression_Window_WindowFrame_FrameBoundary__Output as BoundaryMsg,
} from '../../proto/generated/spark/connect/Expression.js';
import { decodeExpression, decodeSortOrder, encodeExpression, encodeSortOrder } from './expression-serde.js';
import { invalidPlan, required } from './plan-errors.js';

/** Connect's Expression.Window (what `F.row_number().over(Window...)` sends). */
export function decodeWindow(w: WindowMsg): WindowExpr {
  const fn = decodeExpression(required(w.window_function, 'A window expression has no function.'));
  const partitionBy = (w.partition_spec ?? []).map(decodeExpression);
  const orderBy = (w.order_spec ?? []).map(decodeSortOrder);
  const f = w.frame_spec;
  if (f === null || f === undefined || f.frame_type === 'FRAME_TYPE_UNDEFINED') return E.window(fn, partitionBy, orderBy);
  const frame: WindowFrame = {
    type: f.frame_type === 'FRAME_TYPE_ROW' ? 'rows' : 'range',
    lower: decodeBoundary(f.lower, 'lower'),
    upper: decodeBoundary(f.upper, 'upper'),
  };
  return E.window(fn, partitionBy, orderBy, frame);
}

function decodeBoundary(b: BoundaryMsg | null | undefined, which: string): FrameBoundary {
  if (b === null || b === undefined) throw invalidPlan(`A window frame has no ${which} boundary.`);
  const which2 = b.boundary ?? (b.value ? 'value' : b.unbounded === true ? 'unbounded' : b.current_row === true ? 'current_row' : undefined);
  if (which2 === 'current_row') return { kind: 'currentRow' };
  if (which2 === 'unbounded') return { kind: 'unbounded' };
  if (which2 === 'value' && b.value) return { kind: 'value', value: decodeExpression(b.value) };
  throw invalidPlan(`A window frame's ${which} boundary is not set.`);
}

export function encodeWindow(w: WindowExpr): WindowProto {
  const out: WindowProto = {
    window_function: encodeExpression(w.fn),
    partition_spec: w.partitionBy.map(encodeExpression),
    order_spec: w.orderBy.map(encodeSortOrder),
  };
  if (w.frame) {
    out.frame_spec = {
      frame_type: w.frame.type === 'rows' ? 'FRAME_TYPE_ROW' : 'FRAME_TYPE_RANGE',
      lower: encodeBoundary(w.frame.lower),
      upper: encodeBoundary(w.frame.upper),
    };
  }
  return out;
}

function encodeBoundary(b: FrameBoundary): BoundaryProto {
  switch (b.kind) {
    case 'unbounded':
      return { unbounded: true };
    case 'currentRow':
      return { current_row: true };
    case 'value':
      return { value: encodeExpression(b.value as Expr) };
    default: {
      const never: never = b;
      throw invalidPlan(`Unknown frame boundary ${JSON.stringify(never)}`);
    }
  }
}
