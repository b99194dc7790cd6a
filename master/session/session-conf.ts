import { hostTimeZone } from './host-time-zone.js';

/** Spark settings with Spark's defaults, plus the values Spark Connect clients probe for. */
export function defaultConf(): Record<string, string> {
  return {
    'spark.sql.shuffle.partitions': '200',
    'spark.sql.session.timeZone': hostTimeZone(),
    'spark.sql.ansi.enabled': 'true',
    'spark.sql.caseSensitive': 'false',
    'spark.sql.streaming.noDataMicroBatches.enabled': 'true',
    'spark.sql.streaming.pollingDelay': '10ms',
    'spark.sql.streaming.noDataProgressEventInterval': '10000ms',
    'spark.sql.streaming.numRecentProgressUpdates': '100',
    'spark.sql.streaming.multipleWatermarkPolicy': 'min',
    'spark.sql.streaming.minBatchesToRetain': '100',
    // Spark Connect clients ask for these; the answers keep them on the simple paths.
    'spark.connect.session.planCompression.threshold': '-1',
    'spark.connect.session.planCompression.defaultAlgorithm': 'NONE',
    'spark.sql.execution.pandas.structHandlingMode': 'legacy',
    'spark.sql.execution.arrow.pyspark.selfDestruct.enabled': 'false',
    'spark.sql.connect.serverStacktrace.enabled': 'false',
    'spark.sql.pyspark.jvmStacktrace.enabled': 'false',
    'spark.sql.repl.eagerEval.enabled': 'false',
    'spark.sql.repl.eagerEval.maxNumRows': '20',
    'spark.sql.repl.eagerEval.truncate': '20',
    // PySpark's createDataFrame reads these (int() / bool() on each): Spark's defaults, except that
    // local relations always stay inline in the plan (Kindling has no artifact cache).
    'spark.sql.timestampType': 'TIMESTAMP_LTZ',
    'spark.sql.session.localRelationCacheThreshold': String(2 ** 40),
    'spark.sql.session.localRelationSizeLimit': String(2 ** 31 - 1),
    'spark.sql.session.localRelationChunkSizeRows': '10000',
    'spark.sql.session.localRelationChunkSizeBytes': String(16 * 1024 * 1024),
    'spark.sql.session.localRelationBatchOfChunksSizeBytes': String(256 * 1024 * 1024),
    'spark.sql.execution.pandas.convertToArrowArraySafely': 'false',
    'spark.sql.execution.pandas.inferPandasDictAsMap': 'false',
    'spark.sql.pyspark.inferNestedDictAsStruct.enabled': 'false',
    'spark.sql.pyspark.legacy.inferArrayTypeFromFirstElement.enabled': 'false',
    'spark.sql.pyspark.legacy.inferMapTypeFromFirstPair.enabled': 'false',
    'spark.sql.execution.arrow.useLargeVarTypes': 'false',
    'spark.sql.execution.pyspark.binaryAsBytes': 'true',
    'kindling.memorySink.maxRows': '1000000',
    'kindling.streaming.maxBatchAttempts': '4',
    'kindling.streaming.socket.trimLog': 'true',
  };
}

/** Settings a session may not change after the server started. */
const STATIC = new Set(['spark.sql.streaming.stateStore.providerClass']);

/**
 * Settings Spark knows that have no default here: reading one unset gives no value, where an
 * unknown key is Spark's SQL_CONF_NOT_FOUND.
 */
const KNOWN_WITHOUT_DEFAULT = new Set([
  'spark.sql.streaming.checkpointLocation',
  'spark.sql.streaming.stateStore.providerClass',
  'spark.app.name',
  'spark.sql.catalogImplementation',
  // PySpark reads these when a UDF / UDTF is defined (no value: not Arrow-optimized).
  'spark.sql.execution.pythonUDF.arrow.enabled',
  'spark.sql.execution.pythonUDTF.arrow.enabled',
]);

/** One session's settings (`spark.conf`). Any key may be set, as in Spark. */
export class SessionConf {
  private readonly values: Map<string, string>;

  constructor(defaults: Readonly<Record<string, string>>) {
    this.values = new Map(Object.entries(defaults));
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  /** Whether Spark would know `key`: set, defaulted, or a known setting without a default. */
  isKnown(key: string): boolean {
    return this.values.has(key) || KNOWN_WITHOUT_DEFAULT.has(key);
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  unset(key: string, defaults: Readonly<Record<string, string>>): void {
    const d = defaults[key];
    if (d === undefined) this.values.delete(key);
    else this.values.set(key, d);
  }

  isModifiable(key: string): boolean {
    return !STATIC.has(key);
  }

  all(prefix = ''): [string, string][] {
    return [...this.values].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));
  }

  int(key: string, fallback: number): number {
    const n = Number(this.get(key));
    return Number.isFinite(n) ? Math.trunc(n) : fallback;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.get(key)?.trim().toLowerCase();
    return v === undefined ? fallback : v === 'true';
  }

  /** A duration setting such as `10ms`, `10s` or a plain number of ms. */
  millis(key: string, fallback: number): number {
    const v = this.get(key)?.trim().toLowerCase();
    if (!v) return fallback;
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/.exec(v);
    if (!m) return fallback;
    const n = Number(m[1]);
    const unit = m[2] ?? 'ms';
    return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000);
  }

  get timeZone(): string {
    return this.get('spark.sql.session.timeZone') ?? 'UTC';
  }

  get ansi(): boolean {
    return this.bool('spark.sql.ansi.enabled', true);
  }
}
