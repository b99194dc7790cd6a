import { NotSupportedError } from '../errors/errors.js';
import { E, type Expr, type Literal } from '../expr/expr.js';
import type { Join, JoinType, LogicalPlan, RelationalOp } from '../plan/logical-plan.js';
import { P } from '../plan/plan-nodes.js';
import { decodeExpression, encodeExpression } from './expression-serde.js';
import { decodeLiteral, encodeLiteral } from './literal-serde.js';
import { invalidPlan, toNumber } from './plan-errors.js';
import type { RelationMsg, RelationProto } from './wire-types.js';

type Msg<K extends keyof RelationMsg> = NonNullable<RelationMsg[K]>;
type Decode = (rel: RelationMsg) => LogicalPlan;

const JOIN_TYPES: Readonly<Record<string, JoinType>> = {
  JOIN_TYPE_INNER: 'inner',
  JOIN_TYPE_FULL_OUTER: 'fullOuter',
  JOIN_TYPE_LEFT_OUTER: 'leftOuter',
  JOIN_TYPE_RIGHT_OUTER: 'rightOuter',
  JOIN_TYPE_LEFT_ANTI: 'leftAnti',
  JOIN_TYPE_LEFT_SEMI: 'leftSemi',
  JOIN_TYPE_CROSS: 'cross',
};

function input(rel: RelationMsg | null | undefined, what: string, decode: Decode): LogicalPlan {
  if (rel === null || rel === undefined) throw invalidPlan(`${what} needs a plan input.`);
  return decode(rel);
}

/** Join, Hint, Sample, Tail, NAFill/NADrop/NAReplace, StatSummary/StatDescribe; undefined for other kinds. */
export function decodeRelational(rel: RelationMsg, kind: string, decode: Decode): LogicalPlan | undefined {
  switch (kind) {
    case 'join': {
      const j = rel.join as Msg<'join'>;
      const joinType = JOIN_TYPES[j.join_type];
      if (!joinType) throw invalidPlan(`This enum value of spark.connect.Join.JoinType is invalid: ${String(j.join_type)}`);
      const using = [...(j.using_columns ?? [])];
      if (j.join_condition && using.length > 0) throw invalidPlan('Using columns or join conditions cannot be set at the same time in Join');
      return P.join(input(j.left, 'Join', decode), input(j.right, 'Join', decode), joinType, {
        usingColumns: using,
        ...(j.join_condition ? { condition: decodeExpression(j.join_condition) } : {}),
      });
    }
    case 'hint': {
      // broadcast / merge / shuffle_hash / coalesce / repartition: accepted, the plan is the same.
      // A pass-through projection keeps the hinted DataFrame's own plan id (for `df.col`) above its input's.
      const h = rel.hint as Msg<'hint'>;
      return P.project(input(h.input, 'Hint', decode), [E.star()]);
    }
    case 'sample': {
      const s = rel.sample as Msg<'sample'>;
      const seed = s.seed === undefined || s.seed === null ? Math.floor(Math.random() * 2 ** 31) : toNumber(s.seed);
      return P.sample(input(s.input, 'Sample', decode), {
        lowerBound: s.lower_bound ?? 0,
        upperBound: s.upper_bound ?? 1,
        withReplacement: s.with_replacement ?? false,
        seed,
      });
    }
    case 'tail': {
      const t = rel.tail as Msg<'tail'>;
      return P.tail(input(t.input, 'Tail', decode), t.limit ?? 0);
    }
    case 'fill_na': {
      const f = rel.fill_na as Msg<'fill_na'>;
      const values = (f.values ?? []).map((l) => decodeLiteral(l) as Literal);
      if (values.length === 0) throw invalidPlan('values must contains at least 1 item!');
      return P.naFill(input(f.input, 'NAFill', decode), f.cols ?? [], values);
    }
    case 'drop_na': {
      const d = rel.drop_na as Msg<'drop_na'>;
      const min = d.min_non_nulls;
      return P.naDrop(input(d.input, 'NADrop', decode), d.cols ?? [], min ?? undefined);
    }
    case 'replace': {
      const r = rel.replace as Msg<'replace'>;
      const replacements = (r.replacements ?? []).map((x) => {
        if (!x.old_value || !x.new_value) throw invalidPlan('A replacement needs an old and a new value.');
        return { from: decodeLiteral(x.old_value) as Literal, to: decodeLiteral(x.new_value) as Literal };
      });
      return P.naReplace(input(r.input, 'NAReplace', decode), r.cols ?? [], replacements);
    }
    case 'summary': {
      const s = rel.summary as Msg<'summary'>;
      return P.statSummary(input(s.input, 'StatSummary', decode), s.statistics ?? [], [], false);
    }
    case 'describe': {
      const d = rel.describe as Msg<'describe'>;
      return P.statSummary(input(d.input, 'StatDescribe', decode), [], d.cols ?? [], true);
    }
    default:
      return undefined;
  }
}

/** Connect's Aggregate for rollup/cube/pivot/grouping sets. */
export function decodeGroupingAggregate(a: NonNullable<RelationMsg['aggregate']>, base: LogicalPlan, grouping: readonly Expr[], aggregates: readonly Expr[]): LogicalPlan {
  switch (a.group_type) {
    case 'GROUP_TYPE_ROLLUP':
      return P.aggregate(base, { groupType: 'rollup', grouping, aggregates });
    case 'GROUP_TYPE_CUBE':
      return P.aggregate(base, { groupType: 'cube', grouping, aggregates });
    case 'GROUP_TYPE_GROUPING_SETS':
      return P.aggregate(base, {
        groupType: 'groupingSets',
        grouping,
        aggregates,
        groupingSets: (a.grouping_sets ?? []).map((s) => (s.grouping_set ?? []).map(decodeExpression)),
      });
    case 'GROUP_TYPE_PIVOT': {
      const p = a.pivot;
      if (!p?.col) throw invalidPlan('A pivot needs a pivot column.');
      return P.aggregate(base, {
        groupType: 'pivot',
        grouping,
        aggregates,
        pivot: { column: decodeExpression(p.col), values: (p.values ?? []).map((v) => decodeLiteral(v) as Literal) },
      });
    }
    default:
      throw new NotSupportedError(`Aggregate group type ${String(a.group_type)} is not supported.`);
  }
}

const JOIN_TYPE_NAMES: Readonly<Record<JoinType, string>> = {
  inner: 'JOIN_TYPE_INNER',
  fullOuter: 'JOIN_TYPE_FULL_OUTER',
  leftOuter: 'JOIN_TYPE_LEFT_OUTER',
  rightOuter: 'JOIN_TYPE_RIGHT_OUTER',
  leftAnti: 'JOIN_TYPE_LEFT_ANTI',
  leftSemi: 'JOIN_TYPE_LEFT_SEMI',
  cross: 'JOIN_TYPE_CROSS',
};

type RelationalPlan = Join | RelationalOp;

/** The encoding of the plans above (what our TypeScript client sends). */
export function encodeRelational(plan: RelationalPlan, encode: (p: LogicalPlan) => RelationProto): RelationProto {
  switch (plan.kind) {
    case 'join':
      return {
        join: {
          left: encode(plan.left),
          right: encode(plan.right),
          join_type: JOIN_TYPE_NAMES[plan.joinType] as 'JOIN_TYPE_INNER',
          using_columns: [...plan.usingColumns],
          ...(plan.condition ? { join_condition: encodeExpression(plan.condition) } : {}),
        },
      };
    case 'sample':
      return {
        sample: {
          input: encode(plan.input),
          lower_bound: plan.lowerBound,
          upper_bound: plan.upperBound,
          with_replacement: plan.withReplacement,
          seed: plan.seed,
        },
      };
    case 'tail':
      return { tail: { input: encode(plan.input), limit: plan.limit } };
    case 'naFill':
      return { fill_na: { input: encode(plan.input), cols: [...plan.columns], values: plan.values.map(encodeLiteral) } };
    case 'naDrop':
      return {
        drop_na: {
          input: encode(plan.input),
          cols: [...plan.columns],
          ...(plan.minNonNulls === undefined ? {} : { min_non_nulls: plan.minNonNulls }),
        },
      };
    case 'naReplace':
      return {
        replace: {
          input: encode(plan.input),
          cols: [...plan.columns],
          replacements: plan.replacements.map((r) => ({ old_value: encodeLiteral(r.from), new_value: encodeLiteral(r.to) })),
        },
      };
    case 'statSummary':
      return plan.describe
        ? { describe: { input: encode(plan.input), cols: [...plan.columns] } }
        : { summary: { input: encode(plan.input), statistics: [...plan.statistics] } };
    default: {
      const never: never = plan;
      throw invalidPlan(`Cannot encode plan ${JSON.stringify(never)}.`);
    }
  }
}
