/** Names a field cannot take as an own property, because Row's methods live there. */
const RESERVED = new Set(['get', 'asDict', 'toArray', 'fieldNames', 'length', 'toJSON', 'toString', 'valueOf', 'constructor']);

/**
 * One result row, like PySpark's Row: fields by name (`row.word`, `row['cats per minute']`,
 * `row.get('word')`) and by position (`row[0]`, `row.get(0)`). Struct values are nested Rows.
 * A field whose name is one of Row's method names is reachable through `get(name)` only.
 *
 * The named fields are the Row's own enumerable properties, in schema order: `Object.keys(row)`,
 * `{...row}`, `console.table(rows)` and `JSON.stringify(row)` list them as `printSchema()` does.
 * Spark allows a name twice (`SELECT 1 AS a, 2 AS a`): the first field answers to the name (in
 * `row.a`, `get('a')`, `asDict()`, JSON); the others are reached by position (`row[1]`, `toArray()`).
 */
export class Row {
  readonly [key: string]: unknown;
  readonly #names: readonly string[];
  readonly #values: readonly unknown[];

  constructor(names: readonly string[], values: readonly unknown[]) {
    this.#names = Object.freeze([...names]);
    this.#values = Object.freeze([...values]);
    const self = this as unknown as Record<string, unknown>;
    values.forEach((v, i) => {
      Object.defineProperty(self, String(i), { value: v, enumerable: false });
    });
    // Defined in schema order, so Object.keys, spread, console.table and JSON list the fields as the
    // schema does. The first field of a duplicated name wins (as `get(name)` and PySpark's
    // `row.name`); positional access still reaches the others.
    names.forEach((name, i) => {
      if (RESERVED.has(name) || /^\d+$/.test(name) || Object.hasOwn(self, name)) return;
      Object.defineProperty(self, name, { value: values[i], enumerable: true });
    });
    Object.freeze(this);
  }

  /** A Row from an object's own enumerable properties, in their order. */
  static of(fields: Readonly<Record<string, unknown>>): Row {
    return new Row(Object.keys(fields), Object.values(fields));
  }

  get length(): number {
    return this.#values.length;
  }

  fieldNames(): string[] {
    return [...this.#names];
  }

  /** The value of a field by name or position; undefined when there is no such field. */
  get(key: string | number): unknown {
    if (typeof key === 'number') return this.#values[key];
    const i = this.#names.indexOf(key);
    return i < 0 ? undefined : this.#values[i];
  }

  toArray(): unknown[] {
    return [...this.#values];
  }

  /**
   * The fields as a plain object in schema order; with `recursive`, nested Rows (also inside arrays
   * and maps) too. A duplicated name keeps its first field, as name access does.
   */
  asDict(recursive = false): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#names.forEach((name, i) => {
      if (Object.hasOwn(out, name)) return;
      const v = this.#values[i];
      out[name] = recursive ? plain(v) : v;
    });
    return out;
  }

  toJSON(): Record<string, unknown> {
    return this.asDict(true);
  }

  toString(): string {
    const parts = this.#names.map((n, i) => `${n}=${show(this.#values[i])}`);
    return `Row(${parts.join(', ')})`;
  }

  *[Symbol.iterator](): IterableIterator<unknown> {
    yield* this.#values;
  }
}

function plain(v: unknown): unknown {
  if (v instanceof Row) return v.asDict(true);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return new Map([...v.entries()].map(([k, x]) => [plain(k), plain(x)]));
  return v;
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(v);
}
