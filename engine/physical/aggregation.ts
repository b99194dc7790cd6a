import { compileExpr, type CompiledExpr } from '../functions/evaluate.js';
import { InternalError } from '../errors/errors.js';
import type { AggregateFunction, BufferSlot, MergeOp, ResolvedAggregate } from '../functions/function.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { AggregateCall } from '../plan/analyzed-plan.js';
import type { RecordBatch } from '../batch/record-batch.js';
import type { Vector } from '../batch/vector.js';
import type { TaskContext } from './operator.js';

interface BoundAggregate {
  readonly fn: AggregateFunction;
  readonly resolved: ResolvedAggregate;
  readonly offset: number;
  readonly args: readonly CompiledExpr[];
}

/**
 * The runtime form of an aggregation's calls: one flat state array per group holding every
 * call's buffer, the buffer slots' types and merge ops, and init/update/finish over that array.
 */
export class AggregateLayout {
  readonly slots: readonly BufferSlot[];
  readonly mergeOps: readonly MergeOp[];
  private readonly aggregates: readonly BoundAggregate[];
  private readonly initial: readonly unknown[];

  constructor(calls: readonly AggregateCall[], registry: FunctionRegistry, ctx: TaskContext) {
    let offset = 0;
    const slots: BufferSlot[] = [];
    this.aggregates = calls.map((c) => {
      const entry = registry.lookup(c.fn);
      if (entry?.kind !== 'aggregate') throw new InternalError(`'${c.fn}' is not an aggregate function`);
      const resolved = entry.fn.resolve(c.args, c.distinct, ctx);
      const bound: BoundAggregate = {
        fn: entry.fn,
        resolved,
        offset,
        args: resolved.args.map((a) => compileExpr(a, registry)),
      };
      offset += resolved.buffer.length;
      slots.push(...resolved.buffer);
      return bound;
    });
    this.slots = slots;
    this.mergeOps = slots.map((s) => s.merge);
    const init = new Array<unknown>(offset).fill(null);
    for (const a of this.aggregates) a.fn.init(init, a.offset, a.resolved);
    this.initial = init;
  }

  get width(): number {
    return this.slots.length;
  }

  newState(): unknown[] {
    return this.initial.map((v) => (v instanceof Set ? new Set(v) : v));
  }

  /** Evaluates every call's arguments over a batch, once. */
  evaluateArgs(batch: RecordBatch, ctx: TaskContext): Vector[][] {
    return this.aggregates.map((a) => a.args.map((c) => c(batch, ctx)));
  }

  update(state: unknown[], args: readonly (readonly Vector[])[], row: number): void {
    for (let i = 0; i < this.aggregates.length; i++) {
      const a = this.aggregates[i] as BoundAggregate;
      a.fn.update(state, a.offset, args[i] as readonly Vector[], row);
    }
  }

  /** Folds row `i` into `states[groupOf[i]]` for every row, aggregate by aggregate. */
  updateGroups(states: readonly unknown[][], groupOf: Int32Array, numRows: number, args: readonly (readonly Vector[])[]): void {
    for (let k = 0; k < this.aggregates.length; k++) {
      const a = this.aggregates[k] as BoundAggregate;
      const argv = args[k] as readonly Vector[];
      if (a.fn.updateGroups) {
        a.fn.updateGroups(states, a.offset, groupOf, numRows, argv);
      } else {
        for (let i = 0; i < numRows; i++) a.fn.update(states[groupOf[i] as number] as unknown[], a.offset, argv, i);
      }
    }
  }

  /** `finish` written into `columns[k][row]`, one column per call, without a row array. */
  finishInto(columns: readonly unknown[][], row: number, state: readonly unknown[]): void {
    for (let k = 0; k < this.aggregates.length; k++) {
      const a = this.aggregates[k] as BoundAggregate;
      (columns[k] as unknown[])[row] = a.fn.finish(state, a.offset, a.resolved) ?? null;
    }
  }

  finish(state: readonly unknown[]): unknown[] {
    return this.aggregates.map((a) => a.fn.finish(state, a.offset, a.resolved));
  }
}
