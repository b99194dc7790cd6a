export { decodeRelation } from './relation-decode.js';
export { encodeRelation } from './relation-encode.js';
export { decodeAlias, decodeExpression, decodeSortOrder, encodeAlias, encodeExpression, encodeSortOrder } from './expression-serde.js';
export { decodeLiteral, encodeLiteral } from './literal-serde.js';
export { decodeDataType, decodeDataTypeOrString, encodeDataType, encodeDataTypeOrString } from './data-type-serde.js';
export {
  ERROR_INFO_TYPE_URL,
  SPARK_ERROR_DOMAIN,
  decodeErrorInfo,
  decodeRpcStatus,
  encodeErrorInfo,
  encodeRpcStatus,
  errorInfoDetail,
  errorInfoFor,
  findErrorInfo,
  type AnyMessage,
  type ErrorInfo,
  type RpcStatus,
} from './rpc-status.js';
export { oneofCase, oneofNotSet, unsupportedKind } from './plan-errors.js';
export type * from './wire-types.js';
