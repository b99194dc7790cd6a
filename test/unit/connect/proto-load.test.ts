import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROTO_DIR, defaultProtoFiles, loadProtos, loadSparkConnect, protoFiles, sparkConnectServiceDefinition } from '../../../proto/load.js';

describe('proto/load', () => {
  it('finds the .proto folder and lists files per folder', () => {
    expect(existsSync(join(PROTO_DIR, 'spark', 'connect', 'base.proto'))).toBe(true);
    expect(protoFiles('spark/connect')).toEqual([
      'spark/connect/base.proto',
      'spark/connect/catalog.proto',
      'spark/connect/commands.proto',
      'spark/connect/common.proto',
      'spark/connect/expressions.proto',
      'spark/connect/relations.proto',
      'spark/connect/types.proto',
    ]);
    expect(protoFiles('no-such-folder')).toEqual([]);
    expect(defaultProtoFiles()).toContain('google/rpc/status.proto');
  });

  it('loads once per file list', () => {
    expect(loadProtos()).toBe(loadProtos());
    expect(loadSparkConnect()).toBe(loadProtos());
  });

  it('declares the eight Spark Connect RPCs with their paths and stream kinds', () => {
    const service = sparkConnectServiceDefinition();
    const methods = Object.fromEntries(Object.entries(service).map(([name, m]) => [name, [m.path, m.responseStream]]));
    expect(methods).toEqual({
      ExecutePlan: ['/spark.connect.SparkConnectService/ExecutePlan', true],
      AnalyzePlan: ['/spark.connect.SparkConnectService/AnalyzePlan', false],
      Config: ['/spark.connect.SparkConnectService/Config', false],
      ReattachExecute: ['/spark.connect.SparkConnectService/ReattachExecute', true],
      ReleaseExecute: ['/spark.connect.SparkConnectService/ReleaseExecute', false],
      ReleaseSession: ['/spark.connect.SparkConnectService/ReleaseSession', false],
      Interrupt: ['/spark.connect.SparkConnectService/Interrupt', false],
      FetchErrorDetails: ['/spark.connect.SparkConnectService/FetchErrorDetails', false],
    });
  });

  it('uses the field numbers Spark clients use (spot checks on the wire)', () => {
    const p = loadSparkConnect().spark.connect;
    // ExecutePlanResponse.result_complete is field 14 (tag 0x72), session_id field 1.
    expect([...p.ExecutePlanResponse.serialize({ session_id: 's', result_complete: {} })]).toEqual([0x0a, 1, 0x73, 0x72, 0]);
    // AwaitTerminationCommand.timeout_ms is field 2; StreamingQueryCommand.await_termination is field 9.
    expect([...p.StreamingQueryCommand.serialize({ await_termination: { timeout_ms: 5 } })]).toEqual([0x4a, 2, 0x10, 5]);
    // RecentProgressResult.recent_progress_json is field 5.
    expect([...p.StreamingQueryCommandResult.serialize({ recent_progress: { recent_progress_json: ['{}'] } })]).toEqual([
      0x1a, 4, 0x2a, 2, 0x7b, 0x7d,
    ]);
    // Relation.with_watermark is field 33; Expression.common is field 18.
    expect([...p.Relation.serialize({ with_watermark: {} })]).toEqual([0x8a, 0x02, 0]);
    expect([...p.Expression.serialize({ common: {} })]).toEqual([0x92, 0x01, 0]);
    // ArrowBatch: row_count 1, data 2.
    expect([...p.ExecutePlanResponse.serialize({ arrow_batch: { row_count: 1, data: Buffer.from([9]) } })]).toEqual([
      0x12, 5, 0x08, 1, 0x12, 1, 9,
    ]);
  });

  it('decodes int64 as strings, enums as names and sets the virtual oneof fields', () => {
    const p = loadSparkConnect().spark.connect;
    const req = p.InterruptRequest.deserialize(p.InterruptRequest.serialize({ interrupt_type: 3, operation_id: 'op' }));
    expect(req.interrupt_type).toBe('INTERRUPT_TYPE_OPERATION_ID');
    expect(req.interrupt).toBe('operation_id');
    const rel = p.Relation.deserialize(p.Relation.serialize({ common: { plan_id: 7 }, range: { end: 10, step: 1 } }));
    expect(rel.common?.plan_id).toBe('7');
    expect(rel.rel_type).toBe('range');
  });
});
