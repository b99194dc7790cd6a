/**
 * JSON for plain engine data (task specs, expressions, literals) that also carries the values JSON
 * cannot: NaN/±Infinity/-0, bytes, Maps and Sets, as tagged objects.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    if (typeof raw === 'number') {
      if (Number.isNaN(raw)) return { $f: 'NaN' };
      if (raw === Number.POSITIVE_INFINITY) return { $f: 'Infinity' };
      if (raw === Number.NEGATIVE_INFINITY) return { $f: '-Infinity' };
      if (Object.is(raw, -0)) return { $f: '-0' };
    }
    if (raw instanceof Uint8Array) return { $b: Buffer.from(raw).toString('base64') };
    if (raw instanceof Map) return { $m: [...raw.entries()] };
    if (raw instanceof Set) return { $s: [...raw.values()] };
    return v;
  });
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1) {
        if ('$f' in o) return Number(o['$f'] === '-0' ? -0 : o['$f']);
        if ('$b' in o) return new Uint8Array(Buffer.from(String(o['$b']), 'base64'));
        if ('$m' in o) return new Map(o['$m'] as [unknown, unknown][]);
        if ('$s' in o) return new Set(o['$s'] as unknown[]);
      }
    }
    return v;
  }) as T;
}
