import { recordBatch, takeRows, type RecordBatch } from '../../batch/record-batch.js';
import { constVector, takeVector, type Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { compileExpr } from '../../functions/evaluate.js';
import { compilePredicate } from '../../functions/predicate.js';
import { InternalError } from '../../errors/errors.js';
import type { Schema } from '../../types/schema.js';
import type { Operator, OperatorFactory, TaskContext } from '../operator.js';

export interface ProjectConfig {
  readonly exprs: readonly BoundExpr[];
  readonly schema: Schema;
}

export const ProjectExec: OperatorFactory<ProjectConfig> = {
  name: 'Project',
  create(config, ctx) {
    const compiled = config.exprs.map((e) => compileExpr(e, ctx.registry));
    return {
      schema: config.schema,
      process: (batch) => [
        recordBatch(
          config.schema,
          batch.numRows,
          compiled.map((c) => c(batch, ctx)),
        ),
      ],
    };
  },
};

export interface FilterConfig {
  readonly condition: BoundExpr;
  readonly schema: Schema;
}

export const FilterExec: OperatorFactory<FilterConfig> = {
  name: 'Filter',
  create(config, ctx) {
    const cond = compilePredicate(config.condition, ctx.registry);
    return {
      schema: config.schema,
      process(batch) {
        const keep = cond(batch, ctx);
        if (keep === 'all') return [batch];
        return keep.length === 0 ? [] : [takeRows(batch, keep)];
      },
    };
  },
};

export interface GenerateConfig {
  readonly generator: string;
  readonly args: readonly BoundExpr[];
  readonly outer: boolean;
  /** Input columns needed above; the others are carried as NULL constants (free). */
  readonly keep: readonly boolean[];
  readonly schema: Schema;
}

export const GenerateExec: OperatorFactory<GenerateConfig> = {
  name: 'Generate',
  create(config, ctx: TaskContext): Operator {
    const entry = ctx.registry.lookup(config.generator);
    if (entry?.kind !== 'generator') throw new InternalError(`'${config.generator}' is not a generator`);
    const gen = entry.fn;
    const args = config.args.map((a) => compileExpr(a, ctx.registry));
    const nulls = constVector(null);
    return {
      schema: config.schema,
      process(batch) {
        const argVectors = args.map((a) => a(batch, ctx));
        const out = gen.generate(argVectors, batch.numRows, ctx);
        const n = out.sourceRows.length;
        if (n === 0) return [];
        const carried: Vector[] = batch.columns.map((c, i) =>
          config.keep[i] === false ? nulls : takeVector(c, out.sourceRows),
        );
        return [recordBatch(config.schema, n, [...carried, ...out.columns])];
      },
    };
  },
};
