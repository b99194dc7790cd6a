import { inspect, type InspectOptionsStylized } from 'node:util';

/**
 * A Spark TIMESTAMP (or TIMESTAMP_NTZ) value: a `Date` that also keeps the microseconds Spark
 * has and Date's milliseconds cannot hold. Everything a Date does works (`getTime()`,
 * `getUTCHours()`, date libraries, `instanceof Date`); `micros` is the exact value, microseconds
 * since 1970-01-01T00:00:00Z. A TIMESTAMP_NTZ is its wall-clock time read in UTC.
 *
 * It prints with six fraction digits (`2024-01-01T10:00:00.123456Z`) in the REPL,
 * `console.log`/`console.table`, `String(ts)`, `toISOString()` and JSON. `valueOf()` is epoch
 * milliseconds with the microseconds as a fraction, so `<`, `>` and `a - b` order microseconds
 * apart; `getTime()` is Date's whole milliseconds.
 */
export class Timestamp extends Date {
  /** The microseconds past Date's millisecond, 0 to 999; kept when a Date setter moves the time. */
  readonly #subMillis: number;

  constructor(micros: number) {
    const ms = Math.floor(micros / 1000);
    super(ms);
    this.#subMillis = micros - ms * 1000;
  }

  /** Microseconds since 1970-01-01T00:00:00Z. */
  get micros(): number {
    return this.getTime() * 1000 + this.#subMillis;
  }

  /** The same instant; a Timestamp keeps its microseconds. */
  static fromDate(date: Date): Timestamp {
    return date instanceof Timestamp ? new Timestamp(date.micros) : new Timestamp(date.getTime() * 1000);
  }

  static fromMillis(ms: number): Timestamp {
    return new Timestamp(Math.round(ms * 1000));
  }

  /** Parses an ISO-8601 instant (UTC when it names no offset); up to six fraction digits are kept. */
  static fromISOString(text: string): Timestamp {
    const m = /^(.*?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
    const base = m?.[1] ?? text;
    const fraction = (m?.[2] ?? '').padEnd(6, '0').slice(0, 6);
    const ms = Date.parse(`${base}${m?.[3] ?? 'Z'}`);
    if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${text}`);
    return new Timestamp(ms * 1000 + Number(fraction));
  }

  get epochMillis(): number {
    return this.micros / 1000;
  }

  /** A plain Date (whole milliseconds). */
  toDate(): Date {
    return new Date(this.getTime());
  }

  /** `2024-01-01T10:00:00.123456Z`: Date's form with six fraction digits. Date's toJSON uses it. */
  override toISOString(): string {
    // Date's form always ends in `.sssZ` (also for years past 9999, written `+010000-...`).
    return `${super.toISOString().slice(0, -1)}${String(this.#subMillis).padStart(3, '0')}Z`;
  }

  override toString(): string {
    return this.toISOString();
  }

  override valueOf(): number {
    return this.epochMillis;
  }

  equals(other: unknown): boolean {
    return other instanceof Timestamp && other.micros === this.micros;
  }

  /** How Node's REPL, console.log and console.table show it: as a Date, with six fraction digits. */
  [inspect.custom](_depth: number, options: InspectOptionsStylized): string {
    return options.stylize(Number.isNaN(this.getTime()) ? 'Invalid Date' : this.toISOString(), 'date');
  }
}
