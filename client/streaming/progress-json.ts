// JSON escapes (not raw control characters) that decode to marker strings no real value holds.
const NAN_TOKEN = '"\\u0000kindling:NaN\\u0000"';
const POS_INF_TOKEN = '"\\u0000kindling:Infinity\\u0000"';
const NEG_INF_TOKEN = '"\\u0000kindling:-Infinity\\u0000"';
const SPECIAL: Readonly<Record<string, number>> = {
  '\u0000kindling:NaN\u0000': Number.NaN,
  '\u0000kindling:Infinity\u0000': Number.POSITIVE_INFINITY,
  '\u0000kindling:-Infinity\u0000': Number.NEGATIVE_INFINITY,
};

/**
 * Parses progress JSON as the JVM writes it: Jackson may emit bare `NaN` / `Infinity` for rates,
 * which JSON.parse rejects; outside strings they become the JavaScript numbers.
 */
export function parseProgressJson(text: string): Record<string, unknown> {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (ch === '"') {
        inString = false;
      }
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (text.startsWith('NaN', i)) {
      out += NAN_TOKEN;
      i += 2;
    } else if (text.startsWith('-Infinity', i)) {
      out += NEG_INF_TOKEN;
      i += 8;
    } else if (text.startsWith('Infinity', i)) {
      out += POS_INF_TOKEN;
      i += 7;
    } else {
      out += ch;
    }
  }
  return JSON.parse(out, (_key, value: unknown) => (typeof value === 'string' && value in SPECIAL ? SPECIAL[value] : value)) as Record<
    string,
    unknown
  >;
}

const SOURCE_TOTALS = ['numInputRows', 'inputRowsPerSecond', 'processedRowsPerSecond'] as const;

/**
 * A progress report as PySpark presents it: Spark 4.x servers leave `numInputRows`,
 * `inputRowsPerSecond` and `processedRowsPerSecond` out of the JSON (they are derived values), and
 * PySpark's `StreamingQueryProgress` then answers with the sum over `sources`. Present values are kept.
 */
export function progressFromJson(text: string): Record<string, unknown> {
  const progress = parseProgressJson(text);
  const sources = Array.isArray(progress['sources']) ? (progress['sources'] as unknown[]) : [];
  for (const key of SOURCE_TOTALS) {
    if (typeof progress[key] === 'number') continue;
    progress[key] = sources.reduce<number>((sum, s) => {
      const v = typeof s === 'object' && s !== null ? (s as Record<string, unknown>)[key] : undefined;
      return sum + (typeof v === 'number' ? v : 0);
    }, 0);
  }
  return progress;
}
