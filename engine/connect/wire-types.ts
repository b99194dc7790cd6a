/**
 * Short names for the generated Spark Connect message types. `…Msg` is what proto-loader decodes
 * (every scalar defaulted, int64 as string, enums as names); `…Proto` is what it accepts to encode.
 * Type-only: the engine never loads protobuf itself.
 */
export type { Relation as RelationProto, Relation__Output as RelationMsg } from '../../proto/generated/spark/connect/Relation.js';
export type { Read__Output as ReadMsg } from '../../proto/generated/spark/connect/Read.js';
export type { Expression as ExpressionProto, Expression__Output as ExpressionMsg } from '../../proto/generated/spark/connect/Expression.js';
export type {
  _spark_connect_Expression_Alias as AliasProto,
  _spark_connect_Expression_Alias__Output as AliasMsg,
  _spark_connect_Expression_Literal as LiteralProto,
  _spark_connect_Expression_Literal__Output as LiteralMsg,
  _spark_connect_Expression_SortOrder as SortOrderProto,
  _spark_connect_Expression_SortOrder__Output as SortOrderMsg,
} from '../../proto/generated/spark/connect/Expression.js';
export type { DataType as DataTypeProto, DataType__Output as DataTypeMsg } from '../../proto/generated/spark/connect/DataType.js';
