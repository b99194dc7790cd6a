import { describe, expect, it } from 'vitest';
import { progressFromJson } from '../../client/streaming/progress-json.js';

/**
 * A progress report exactly as a Spark 4.3.0 Connect server sent it for the rate → window count
 * query of client.test.ts (recorded from a real run). Spark 4.x leaves the derived totals
 * (numInputRows, inputRowsPerSecond, processedRowsPerSecond) out of the JSON and keeps empty maps.
 */
const SPARK_4_3_PROGRESS =
  '{"id":"f765f446-9302-4e28-af6e-fcfe566d5d04","runId":"b3a96552-4b95-4014-aa98-27bc7b3dfd08","name":"rc",' +
  '"timestamp":"2026-11-25T10:25:48.063Z","batchId":1,"batchDuration":2724,' +
  '"durationMs":{"triggerExecution":2723,"queryPlanning":172,"getBatch":0,"commitOffsets":146,"latestOffset":0,"addBatch":2300,"walCommit":99},' +
  '"eventTime":{},"stateOperators":[{"operatorName":"stateStoreSave","numRowsTotal":4,"numRowsUpdated":4,"allUpdatesTimeMs":281,' +
  '"numRowsRemoved":0,"allRemovalsTimeMs":0,"commitTimeMs":455,"memoryUsedBytes":2696,"numRowsDroppedByWatermark":0,' +
  '"numShufflePartitions":4,"numStateStoreInstances":4,"customMetrics":{"stateOnCurrentVersionSizeBytes":1448,"loadedMapCacheHitCount":8}}],' +
  '"sources":[{"description":"RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=0, numPartitions=default","startOffset":"0","endOffset":"6",' +
  '"latestOffset":"6","numInputRows":60,"inputRowsPerSecond":9.364757296706728,"processedRowsPerSecond":22.026431718061673,"metrics":{}}],' +
  '"sink":{"description":"MemorySink","numOutputRows":4,"metrics":{}},"observedMetrics":{}}';

describe('progress reports from a real Spark server', () => {
  it('fills the totals Spark 4.x leaves out with the sums over sources, as PySpark does', () => {
    const p = progressFromJson(SPARK_4_3_PROGRESS);
    expect(p['numInputRows']).toBe(60);
    expect(p['inputRowsPerSecond']).toBeCloseTo(9.364757296706728, 12);
    expect(p['processedRowsPerSecond']).toBeCloseTo(22.026431718061673, 12);
    expect(p['batchId']).toBe(1);
    expect(p['eventTime']).toEqual({});
  });

  it('keeps totals the server sent (Kindling sends them)', () => {
    const p = progressFromJson('{"batchId":0,"numInputRows":5,"inputRowsPerSecond":1.5,"processedRowsPerSecond":NaN,"sources":[{"numInputRows":7}]}');
    expect(p['numInputRows']).toBe(5);
    expect(p['inputRowsPerSecond']).toBe(1.5);
    expect(p['processedRowsPerSecond']).toBeNaN();
  });
});
