import { AnalysisError, IllegalArgumentError, NumberFormatError } from '../errors/errors.js';

/** Case-insensitive access to data source options, as Spark's CaseInsensitiveStringMap. */
export class SourceOptions {
  private readonly map = new Map<string, string>();

  constructor(options: Readonly<Record<string, string>>) {
    for (const [k, v] of Object.entries(options)) this.map.set(k.toLowerCase(), v);
  }

  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase());
  }

  require(name: string, message: string): string {
    const v = this.get(name);
    if (v === undefined || v === '') throw new AnalysisError(message);
    return v;
  }

  int(name: string, fallback: number, check: (n: number) => boolean, message: string): number {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || !check(n)) throw new IllegalArgumentError(message.replace('<value>', v));
    return n;
  }

  /** Spark's `getLong`: Java's `Long.parseLong` (a NumberFormatException for anything else). */
  long(name: string, fallback: number): number {
    const v = this.get(name);
    return v === undefined ? fallback : parseJavaInteger(v, 64);
  }

  /** Spark's `getInt`: Java's `Integer.parseInt`. */
  javaInt(name: string, fallback: number): number {
    const v = this.get(name);
    return v === undefined ? fallback : parseJavaInteger(v, 32);
  }

  bool(name: string, fallback: boolean, message: string): boolean {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const l = v.trim().toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
    throw new AnalysisError(message);
  }
}

/**
 * Java's `Integer.parseInt` / `Long.parseLong` (radix 10): an optional sign and digits, in range;
 * otherwise NumberFormatException's `For input string: "<text>"`.
 */
export function parseJavaInteger(text: string, bits: 32 | 64): number {
  const limit = bits === 32 ? 2n ** 31n : 2n ** 63n;
  if (/^[+-]?\d+$/.test(text)) {
    const n = BigInt(text);
    if (n >= -limit && n < limit) return Number(n);
  }
  throw new NumberFormatError(`For input string: "${text}"`);
}
