/**
 * Kindling's TypeScript client: a PySpark-like API over Spark Connect.
 *
 *   import { SparkSession, functions as F } from 'kindling';
 *   const spark = await SparkSession.builder().remote('sc://localhost:15002').getOrCreate();
 *
 * Values in results: strings, booleans and numbers (bigint columns as numbers, exact to 2^53);
 * TIMESTAMP and TIMESTAMP_NTZ as `Timestamp`, a Date that keeps the microseconds on `micros`;
 * DATE as a Date at UTC midnight; structs as nested `Row`s; arrays as arrays; maps as Map.
 */
import * as functions from './functions.js';

export { functions, functions as F };
export { SparkSession, type SqlArgs } from './session.js';
export { Builder } from './builder.js';
export { RuntimeConf } from './conf.js';
export { DataFrame, type ExplainMode } from './dataframe.js';
export { SqlDataFrame } from './sql-dataframe.js';
export { DataFrameReader } from './reader.js';
export { GroupedData } from './grouped-data.js';
export { Column, type ColumnOrValue } from './column.js';
export { Window, WindowSpec } from './window.js';
export type { ColumnOrName } from './functions.js';
export type { SortOptions } from './dataframe-args.js';
export { Row } from './row.js';
export { Timestamp } from './timestamp.js';
export type { OutputWriter } from './output.js';
export type { OptionValue } from './options.js';
export { parseConnectionString, DEFAULT_PORT, type ConnectionParams } from './connection-string.js';
export type { RetryPolicy } from './connect/channel.js';
export { DataStreamReader } from './streaming/data-stream-reader.js';
export { DataStreamWriter, type Trigger } from './streaming/data-stream-writer.js';
export { StreamingQuery, type StreamingQueryProgress, type StreamingQueryStatus } from './streaming/streaming-query.js';
export { StreamingQueryManager } from './streaming/query-manager.js';
export * from './errors.js';
export * from './types.js';
