import { describe, expect, it } from 'vitest';
import { decodeArrowIpc } from '../../../engine/arrow/decode.js';
import { batchToRows } from '../../../engine/batch/record-batch.js';
import { decodeRelation } from '../../../engine/connect/index.js';
import { E } from '../../../engine/expr/expr.js';
import { T, simpleString } from '../../../engine/types/data-type.js';
import { loadSparkConnect } from '../../../proto/load.js';

/**
 * Bytes captured from the real clients (pyspark-client 4.2.0 with pyarrow 26, pandas 3), so the
 * decoders are checked against what those libraries write, not only against our own encoders.
 */

// pyspark.sql.connect.plan: Drop(Aggregate(WithWatermark(WithColumns(Project(DataSource(socket))))))
// built with the client's own plan classes and functions (F.explode, F.split, F.window, F.count).
const PYSPARK_WORD_COUNT_RELATION =
  'CgIQBaoBzAIKwwIKAhAESrwCCtIBCgIQA4oCygEKsQEKAhACugGpAQqCAQoCEAEafAo1CgIQABIvEisKBnNvY2tldBIAGgwKBHBv' +
  'cnQSBDk5OTkaEQoEaG9zdBIJbG9jYWxob3N0GAEaQzJBCjkaNwoHZXhwbG9kZRIsGioKBXNwbGl0EgsSCQoFdmFsdWUYABIFCgNq' +
  'ASASDQoLMP///////////wESBHdvcmQSIgoVGhMKEWN1cnJlbnRfdGltZXN0YW1wEgl0aW1lc3RhbXASCXRpbWVzdGFtcBoJNSBz' +
  'ZWNvbmRzEAEaOxo5CgZ3aW5kb3cSDxINCgl0aW1lc3RhbXAYABIOCgxqCjYwIHNlY29uZHMSDgoMagozMCBzZWNvbmRzGgoSCAoE' +
  'd29yZBgAIhoyGAoPGg0KBWNvdW50EgQKAjABEgVjb3VudBoEd29yZA==';

// pa.Table.from_pandas(...) written with pa.ipc.new_stream in batches of 2 rows: Int64 with a null,
// float64, large_string, timestamp[ns, tz=UTC], timestamp[us], bool, date32, categorical.
const PANDAS_ARROW_STREAM =
  '//////ABAAAQAAAAAAAKAAwABgAFAAgACgAAAAABBAAEAAAAoP///wQAAAAIAAAAkAEAAFABAAAkAQAA5AAAALQAAACIAAAAXAAA' +
  'ABQAAAAQABgACAAGAAcADAAQABQAEAAAAAAAARQUAAAANAAAABwAAAAEAAAAAAAAAAMAAABjYXQACAAIAAAABAAIAAAABAAAALT+' +
  '//8AAAABCAAAACT////0/v//AAABCBAAAAAUAAAABAAAAAAAAAABAAAAZAAAACL///8AAAAAHP///wAAAQYQAAAAGAAAAAQAAAAA' +
  'AAAABAAAAGZsYWcAAAAAdP///0T///8AAAEKEAAAABgAAAAEAAAAAAAAAAUAAABuYWl2ZQAAAHb///8AAAIAcP///wAAAQoQAAAA' +
  'HAAAAAQAAAAAAAAAAgAAAHRzAAAIAAwABgAIAAgAAAAAAAMABAAAAAMAAABVVEMArP///wAAARQQAAAAGAAAAAQAAAAAAAAAAQAA' +
  'AHMAAAAEAAQABAAAANT///8AAAEDEAAAABgAAAAEAAAAAAAAAAEAAAB4AAYACAAGAAYAAAAAAAIAEAAUAAgABgAHAAwAAAAQABAA' +
  'AAAAAAECEAAAABwAAAAEAAAAAAAAAAIAAABpZAAACAAMAAgABwAIAAAAAAAAAUAAAAAAAAAA/////6gAAAAUAAAAAAAAAAwAFAAG' +
  'AAUACAAMAAwAAAAAAgQAFAAAACAAAAAAAAAACAAKAAAABAAIAAAAEAAAAAAACgAYAAwABAAIAAoAAABMAAAAEAAAAAIAAAAAAAAA' +
  'AAAAAAMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAYAAAAAAAAABgAAAAAAAAAAgAAAAAAAAAAAAAAAQAAAAIAAAAAAAAAAAAA' +
  'AAAAAAAAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAAB4eQAAAAAAAP/////oAQAAFAAAAAAAAAAMABYABgAFAAgADAAMAAAAAAMEABgA' +
  'AADIAAAAAAAAAAAACgAYAAwABAAIAAoAAAAsAQAAEAAAAAIAAAAAAAAAAAAAABEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY' +
  'AAAAAAAAABgAAAAAAAAAAQAAAAAAAAAgAAAAAAAAABgAAAAAAAAAOAAAAAAAAAABAAAAAAAAAEAAAAAAAAAAGAAAAAAAAABYAAAA' +
  'AAAAAAcAAAAAAAAAYAAAAAAAAAABAAAAAAAAAGgAAAAAAAAAGAAAAAAAAACAAAAAAAAAAAEAAAAAAAAAiAAAAAAAAAAYAAAAAAAA' +
  'AKAAAAAAAAAAAAAAAAAAAACgAAAAAAAAAAEAAAAAAAAAqAAAAAAAAAABAAAAAAAAALAAAAAAAAAADAAAAAAAAADAAAAAAAAAAAAA' +
  'AAAAAAAAwAAAAAAAAAADAAAAAAAAAAAAAAAIAAAAAgAAAAAAAAAAAAAAAAAAAAIAAAAAAAAAAQAAAAAAAAACAAAAAAAAAAEAAAAA' +
  'AAAAAgAAAAAAAAABAAAAAAAAAAIAAAAAAAAAAQAAAAAAAAACAAAAAAAAAAAAAAAAAAAAAgAAAAAAAAABAAAAAAAAAAIAAAAAAAAA' +
  'AAAAAAAAAAABAAAAAAAAAAIAAAAAAAAAAQAAAAAAAAAFAAAAAAAAAAAAAAAAAPg/AAAAAAAA+H8AAAAAAAAIQAUAAAAAAAAAAAAA' +
  'AAAAAAABAAAAAAAAAAEAAAAAAAAAYcO88J+QiAAFAAAAAAAAABXNwAgXEKYXAAAAAAAAAIAM/v///////wUAAAAAAAAAACAhENcN' +
  'BgAAAAAAAAAAgACA+C3rDQYAAQAAAAAAAAAFAAAAAAAAAAtNAAAAAAAA/////wAAAAAAAQAAAAAAAP/////oAQAAFAAAAAAAAAAM' +
  'ABYABgAFAAgADAAMAAAAAAMEABgAAABgAAAAAAAAAAAACgAYAAwABAAIAAoAAAAsAQAAEAAAAAEAAAAAAAAAAAAAABEAAAAAAAAA' +
  'AAAAAAEAAAAAAAAACAAAAAAAAAAIAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAgAAAAAAAAAGAAAAAAAAAAAAAAAAAAA' +
  'ABgAAAAAAAAAEAAAAAAAAAAoAAAAAAAAAAYAAAAAAAAAMAAAAAAAAAAAAAAAAAAAADAAAAAAAAAACAAAAAAAAAA4AAAAAAAAAAAA' +
  'AAAAAAAAOAAAAAAAAAAIAAAAAAAAAEAAAAAAAAAAAQAAAAAAAABIAAAAAAAAAAEAAAAAAAAAUAAAAAAAAAAAAAAAAAAAAFAAAAAA' +
  'AAAABAAAAAAAAABYAAAAAAAAAAAAAAAAAAAAWAAAAAAAAAABAAAAAAAAAAAAAAAIAAAAAQAAAAAAAAABAAAAAAAAAAEAAAAAAAAA' +
  'AAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAAAQAA' +
  'AAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAACEAAAAAAAAAAAAYAAAAAAAAAw7zwn5CI' +
  'AAAM/v///////wCA+C3rDQYAAAAAAAAAAAAAAAAAAAAAAP////8AAAAAAAAAAAAAAAD/////AAAAAA==';

describe('bytes written by PySpark and pyarrow', () => {
  it('decodes the notebook relation PySpark serialized', () => {
    const Relation = loadSparkConnect().spark.connect.Relation;
    const plan = decodeRelation(Relation.deserialize(Buffer.from(PYSPARK_WORD_COUNT_RELATION, 'base64')));
    expect(plan).toMatchObject({
      kind: 'drop',
      planId: 5,
      columnNames: ['word'],
      input: {
        kind: 'aggregate',
        planId: 4,
        groupType: 'groupby',
        grouping: [E.call('window', [E.col('timestamp'), E.lit('60 seconds', T.string), E.lit('30 seconds', T.string)]), E.col('word')],
        aggregates: [E.alias(E.call('count', [E.lit(1, T.integer)]), 'count')],
        input: {
          kind: 'withWatermark',
          planId: 3,
          eventTime: 'timestamp',
          delay: '5 seconds',
          input: {
            kind: 'withColumns',
            planId: 2,
            columns: [{ name: 'timestamp', expr: E.call('current_timestamp', []) }],
            input: {
              kind: 'project',
              planId: 1,
              exprs: [E.alias(E.call('explode', [E.call('split', [E.col('value'), E.lit(' ', T.string), E.lit(-1, T.integer)])]), 'word')],
              input: {
                kind: 'read',
                planId: 0,
                isStreaming: true,
                source: { type: 'dataSource', format: 'socket', options: { host: 'localhost', port: '9999' }, paths: [] },
              },
            },
          },
        },
      },
    });
  });

  it('decodes a pandas DataFrame as pyarrow streams it (createDataFrame data)', () => {
    const batch = decodeArrowIpc(Buffer.from(PANDAS_ARROW_STREAM, 'base64'));
    expect(batch.schema.fields.map((f) => `${f.name}:${simpleString(f.type)}`)).toEqual([
      'id:bigint',
      'x:double',
      's:string',
      'ts:timestamp',
      'naive:timestamp_ntz',
      'flag:boolean',
      'd:date',
      'cat:string',
    ]);
    expect(batchToRows(batch)).toEqual([
      [1, 1.5, 'a', 1_704_067_200_123_456, 1_704_067_200_000_000, true, 19723, 'x'],
      [2, null, null, null, null, false, null, 'y'],
      // -500 ns floors to -1 µs (floor, not truncation toward zero).
      [null, 3, 'ü🐈', -1, 1_704_153_600_000_000, null, -1, 'x'],
    ]);
  });
});
