/**
 * The Java exception classes Kindling reports to Spark Connect clients, each with its superclass
 * (Java's hierarchy, as far as Spark's errors use it). Spark Connect sends an exception's whole
 * chain in ErrorInfo `classes`, most specific first, and clients pick their exception type from
 * it (PySpark: AnalysisException, ParseException, ArithmeticException, NumberFormatException...),
 * so each chain is derived from this one table instead of being written out per error type.
 */
const SUPERCLASS = {
  'java.lang.Throwable': null,
  'java.lang.Exception': 'java.lang.Throwable',
  'java.lang.RuntimeException': 'java.lang.Exception',
  'java.lang.IllegalArgumentException': 'java.lang.RuntimeException',
  'java.lang.NumberFormatException': 'java.lang.IllegalArgumentException',
  'java.lang.IllegalStateException': 'java.lang.RuntimeException',
  'java.lang.UnsupportedOperationException': 'java.lang.RuntimeException',
  'java.lang.ArithmeticException': 'java.lang.RuntimeException',
  'java.lang.IndexOutOfBoundsException': 'java.lang.RuntimeException',
  'java.lang.ArrayIndexOutOfBoundsException': 'java.lang.IndexOutOfBoundsException',
  'java.util.NoSuchElementException': 'java.lang.RuntimeException',
  'java.util.ConcurrentModificationException': 'java.lang.RuntimeException',
  'java.time.DateTimeException': 'java.lang.RuntimeException',
  'java.sql.SQLException': 'java.lang.Exception',
  'org.apache.spark.SparkException': 'java.lang.Exception',
  'org.apache.spark.SparkSQLException': 'java.sql.SQLException',
  'org.apache.spark.SparkRuntimeException': 'java.lang.RuntimeException',
  'org.apache.spark.SparkArithmeticException': 'java.lang.ArithmeticException',
  'org.apache.spark.SparkNumberFormatException': 'java.lang.NumberFormatException',
  'org.apache.spark.SparkDateTimeException': 'java.time.DateTimeException',
  'org.apache.spark.SparkArrayIndexOutOfBoundsException': 'java.lang.ArrayIndexOutOfBoundsException',
  'org.apache.spark.SparkIllegalArgumentException': 'java.lang.IllegalArgumentException',
  'org.apache.spark.SparkNoSuchElementException': 'java.util.NoSuchElementException',
  'org.apache.spark.SparkConcurrentModificationException': 'java.util.ConcurrentModificationException',
  'org.apache.spark.sql.AnalysisException': 'java.lang.Exception',
  'org.apache.spark.sql.catalyst.parser.ParseException': 'org.apache.spark.sql.AnalysisException',
  'org.apache.spark.sql.streaming.StreamingQueryException': 'java.lang.Exception',
} as const satisfies Readonly<Record<string, string | null>>;

export type JavaClass = keyof typeof SUPERCLASS;

const chains = new Map<JavaClass, readonly string[]>();

/** `javaClass` and its superclasses up to `java.lang.Throwable`, most specific first (shared, frozen). */
export function classChain(javaClass: JavaClass): readonly string[] {
  let chain = chains.get(javaClass);
  if (chain === undefined) {
    const out: string[] = [];
    for (let c: JavaClass | null = javaClass; c !== null; c = SUPERCLASS[c]) out.push(c);
    chain = Object.freeze(out);
    chains.set(javaClass, chain);
  }
  return chain;
}
