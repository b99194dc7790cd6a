/** What bench/spark_client.py prints: one JSON line per measured run. */
export interface ThroughputRun {
  readonly query: 'q1' | 'q2';
  readonly run: number;
  readonly seconds: number;
  /** Rows of the memory table and the sum of its counts: every engine must count the same words. */
  readonly rows: number;
  readonly total: number;
  readonly batchP50: number | null;
  readonly batchP95: number | null;
  readonly source?: string;
}

export interface LatencyRun {
  readonly query: 'q1' | 'q2';
  /** Words per second sent. */
  readonly rate: number;
  readonly batchP50: number | null;
  readonly batchP95: number | null;
  /** From a marker's chunk being durable to a query of the memory table showing it, ms. */
  readonly e2eP50: number | null;
  readonly e2eP95: number | null;
  readonly markers: number;
  /** Markers never seen within 30 s of the last one sent (the engine fell behind). */
  readonly missed: number;
  readonly polls: number;
  readonly source?: string;
}
