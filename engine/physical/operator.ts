import type { RecordBatch } from '../batch/record-batch.js';
import { InternalError } from '../errors/errors.js';
import type { EvalContext } from '../functions/function.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { StateEmit, StateRow, StateStore } from '../state/state-store.js';
import type { Schema } from '../types/schema.js';
import type { PaneOutputShape } from './pane-output.js';
import type { TaskMetrics } from './task-metrics.js';

/** An operator as data: a registry name and a JSON config, so stages can travel to workers. */
export interface OperatorSpec {
  readonly name: string;
  readonly config: unknown;
}

/** What a stateful operator needs for the batch being run. */
export interface StateContext {
  /** The store of the partition being reduced (opened by the task runner at the right version). */
  readonly store: StateStore;
  readonly batchId: number;
  /** Rows whose event time is ≤ this are late and dropped (W_{N-1}, µs); null: no late filter. */
  readonly lateBeforeUs: number | null;
  /** State rows whose event time is ≤ this are evicted (W_N, µs); null: no eviction. */
  readonly evictBeforeUs: number | null;
  readonly outputMode: 'append' | 'update' | 'complete';
  /** What the stateful operator emits this batch. */
  readonly emit: StateEmit;
  /**
   * Left by `PaneExpand` (with `paneState`) for the stateful aggregation after it: the batch's
   * merged (pane, keys) rows and how pane rows make (window, keys) rows (see `PaneStateBatch`).
   */
  paneRows?: PaneRows;
}

/** The (pane, keys) side of a reduce task's input, handed from `PaneExpand` to `StatefulAggregate`. */
export interface PaneRows {
  readonly rows: readonly StateRow[];
  /** The (window, keys) partial rows (`PaneExpand`'s output schema) that pane rows make. */
  windows(paneRows: readonly StateRow[]): RecordBatch;
  /** The windows' shape, for a reduce output of pane totals (`pane-output.ts`). */
  readonly shape: PaneOutputShape;
}

/** Everything an operator instance may use while processing one task. */
export interface TaskContext extends EvalContext {
  readonly registry: FunctionRegistry;
  readonly metrics: TaskMetrics;
  readonly state?: StateContext;
}

/**
 * A physical operator instance for one task. `process` is the only required method and must not
 * keep references to its input beyond the call unless it copies what it needs; `finish` flushes
 * what the operator held back (aggregations) after the last input batch.
 */
export interface Operator {
  readonly schema: Schema;
  process(batch: RecordBatch): readonly RecordBatch[];
  finish?(): Promise<readonly RecordBatch[]>;
}

export interface OperatorFactory<C = unknown, O extends Operator = Operator> {
  readonly name: string;
  create(config: C, ctx: TaskContext): O;
}

/** Operator name → constructor. Open: register new operators without touching the planner's unions. */
export class OperatorRegistry {
  private readonly factories = new Map<string, OperatorFactory>();

  register<C>(factory: OperatorFactory<C>): this {
    this.factories.set(factory.name, factory as OperatorFactory);
    return this;
  }

  create(spec: OperatorSpec, ctx: TaskContext): Operator {
    const f = this.factories.get(spec.name);
    if (!f) throw new InternalError(`unknown operator '${spec.name}'`);
    return f.create(spec.config, ctx);
  }
}

/** Runs a chain of operators over input batches, flushing each operator in order at the end. */
export class Pipeline {
  constructor(private readonly operators: readonly Operator[]) {}

  static create(specs: readonly OperatorSpec[], registry: OperatorRegistry, ctx: TaskContext): Pipeline {
    return new Pipeline(specs.map((s) => registry.create(s, ctx)));
  }

  push(batch: RecordBatch, from = 0, out: RecordBatch[] = []): RecordBatch[] {
    let current: readonly RecordBatch[] = [batch];
    for (let i = from; i < this.operators.length; i++) {
      const op = this.operators[i] as Operator;
      const next: RecordBatch[] = [];
      for (const b of current) for (const r of op.process(b)) next.push(r);
      current = next;
      if (current.length === 0) return out;
    }
    for (const b of current) out.push(b);
    return out;
  }

  async finish(): Promise<RecordBatch[]> {
    const out: RecordBatch[] = [];
    for (let i = 0; i < this.operators.length; i++) {
      const op = this.operators[i] as Operator;
      if (!op.finish) continue;
      for (const b of await op.finish()) this.push(b, i + 1, out);
    }
    return out;
  }
}
