import { decodeRelation, encodeDataType, oneofNotSet } from '../../engine/connect/index.js';
import { AnalysisError, ParseError } from '../../engine/errors/errors.js';
import type { ExplainMode } from '../../engine/physical/explain/index.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import type { DataType } from '../../engine/types/data-type.js';
import { parseDataType, parseSchema } from '../../engine/sql/data-type-parser.js';
import { schemaToDdl } from '../../engine/types/type-sql.js';
import { treeString } from '../../engine/types/schema.js';
import { parseDataTypeJson } from '../../engine/types/type-json.js';
import type { AnalyzePlanRequest__Output } from '../../proto/generated/spark/connect/AnalyzePlanRequest.js';
import type { AnalyzePlanResponse } from '../../proto/generated/spark/connect/AnalyzePlanResponse.js';
import type { Session } from '../session/session.js';
import { planRelation } from './plan.js';

/** The version Kindling reports to clients: the Spark line whose behaviour it follows. */
export const SPARK_VERSION = '4.0.0';

type Result = Omit<AnalyzePlanResponse, 'session_id' | 'server_side_session_id'>;

const EXPLAIN_MODES: Readonly<Record<string, ExplainMode>> = {
  EXPLAIN_MODE_UNSPECIFIED: 'simple',
  EXPLAIN_MODE_SIMPLE: 'simple',
  EXPLAIN_MODE_EXTENDED: 'extended',
  EXPLAIN_MODE_CODEGEN: 'codegen',
  EXPLAIN_MODE_COST: 'cost',
  EXPLAIN_MODE_FORMATTED: 'formatted',
};

/** AnalyzePlan: schema, explain, tree string and the other questions about a plan, answered without running it. */
export function runAnalyzePlan(session: Session, req: AnalyzePlanRequest__Output): Result {
  switch (req.analyze) {
    case 'schema':
      return { schema: { schema: encodeDataType(session.schema(planRelation(req.schema?.plan))) } };
    case 'explain': {
      const mode = EXPLAIN_MODES[req.explain?.explain_mode ?? 'EXPLAIN_MODE_SIMPLE'] ?? 'simple';
      return { explain: { explain_string: session.explain(planRelation(req.explain?.plan), mode) } };
    }
    case 'tree_string': {
      const level = req.tree_string?.level;
      const schema = session.schema(planRelation(req.tree_string?.plan));
      return { tree_string: { tree_string: treeString(schema, level === undefined || level === null ? undefined : level) } };
    }
    case 'is_local':
      return { is_local: { is_local: planRelation(req.is_local?.plan).kind === 'localRelation' } };
    case 'is_streaming':
      return { is_streaming: { is_streaming: session.isStreaming(planRelation(req.is_streaming?.plan)) } };
    case 'input_files':
      planRelation(req.input_files?.plan);
      return { input_files: { files: [] } };
    case 'spark_version':
      return { spark_version: { version: SPARK_VERSION } };
    case 'ddl_parse':
      return { ddl_parse: { parsed: encodeDataType(parseDdl(req.ddl_parse?.ddl_string ?? '')) } };
    case 'same_semantics': {
      const a = canonical(planRelation(req.same_semantics?.target_plan));
      const b = canonical(planRelation(req.same_semantics?.other_plan));
      return { same_semantics: { result: a === b } };
    }
    case 'semantic_hash':
      return { semantic_hash: { result: hash32(canonical(planRelation(req.semantic_hash?.plan))) } };
    case 'persist':
      relation(req.persist?.relation);
      return { persist: {} };
    case 'unpersist':
      relation(req.unpersist?.relation);
      return { unpersist: {} };
    case 'get_storage_level':
      relation(req.get_storage_level?.relation);
      // Kindling caches nothing: every DataFrame reports StorageLevel.NONE.
      return {
        get_storage_level: {
          storage_level: { use_disk: false, use_memory: false, use_off_heap: false, deserialized: false, replication: 1 },
        },
      };
    case 'json_to_ddl': {
      const type = parseDataTypeJson(req.json_to_ddl?.json_string ?? '');
      if (type.kind !== 'struct') throw new ParseError(`The JSON schema is not a struct type: ${req.json_to_ddl?.json_string ?? ''}`);
      return { json_to_ddl: { ddl_string: schemaToDdl(type) } };
    }
    case undefined:
      throw oneofNotSet('spark.connect.AnalyzePlanRequest', 'analyze');
    default: {
      const never: never = req.analyze;
      return never;
    }
  }
}

function relation(rel: Parameters<typeof decodeRelation>[0] | null | undefined): LogicalPlan {
  if (!rel) throw new AnalysisError('This analysis needs a relation.');
  return decodeRelation(rel);
}

/** Spark's `DataType.fromDDL`: a single type first, then a table schema (or JSON). */
function parseDdl(text: string): DataType {
  try {
    return parseDataType(text);
  } catch (first) {
    try {
      return parseSchema(text);
    } catch {
      throw first;
    }
  }
}

/** The plan as text without the client's plan ids, which differ between equal DataFrames. */
function canonical(plan: LogicalPlan): string {
  return JSON.stringify(plan, (key, value: unknown) => {
    if (key === 'planId') return undefined;
    if (typeof value === 'bigint') return value.toString();
    return value;
  });
}

/** FNV-1a over UTF-16 code units, as a signed 32-bit integer. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
