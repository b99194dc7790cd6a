/**
 * A Spark TIMESTAMP value: microseconds since the Unix epoch, UTC. JavaScript's Date keeps only
 * milliseconds, so results carry this class instead; `toDate()` gives a Date when that is enough.
 * `valueOf()` is epoch milliseconds (possibly fractional), so `<`/`>` and `new Date(ts)` work.
 */
export class Timestamp {
  /** Microseconds since 1970-01-01T00:00:00Z. */
  readonly micros: number;

  constructor(micros: number) {
    this.micros = micros;
  }

  static fromDate(date: Date): Timestamp {
    return new Timestamp(date.getTime() * 1000);
  }

  static fromMillis(ms: number): Timestamp {
    return new Timestamp(Math.round(ms * 1000));
  }

  /** Parses an ISO-8601 instant; up to six fraction digits are kept. */
  static parse(text: string): Timestamp {
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

  toDate(): Date {
    return new Date(Math.floor(this.micros / 1000));
  }

  /** `2024-01-01T10:00:00.123456Z`: the Date form with six fraction digits. */
  toISOString(): string {
    const ms = Math.floor(this.micros / 1000);
    const iso = new Date(ms).toISOString();
    const micros = ((this.micros % 1_000_000) + 1_000_000) % 1_000_000;
    return `${iso.slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
  }

  toJSON(): string {
    return this.toISOString();
  }

  toString(): string {
    return this.toISOString();
  }

  valueOf(): number {
    return this.epochMillis;
  }

  equals(other: unknown): boolean {
    return other instanceof Timestamp && other.micros === this.micros;
  }
}
