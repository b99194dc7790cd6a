import { analyzedChildren, type AnalyzedPlan } from '../../plan/analyzed-plan.js';
import type { DataType } from '../../types/data-type.js';
import type { Schema } from '../../types/schema.js';

// Statistics (explain('cost')): Spark's size-only estimates.

const UNKNOWN_SIZE = (1n << 63n) - 1n;

function defaultSize(t: DataType): bigint {
  switch (t.kind) {
    case 'null':
    case 'boolean':
    case 'byte':
      return 1n;
    case 'short':
      return 2n;
    case 'integer':
    case 'float':
    case 'date':
      return 4n;
    case 'long':
    case 'double':
    case 'timestamp':
    case 'timestamp_ntz':
      return 8n;
    case 'string':
      return 20n;
    case 'binary':
      return 100n;
    case 'array':
      return defaultSize(t.elementType);
    case 'map':
      return defaultSize(t.keyType) + defaultSize(t.valueType);
    case 'struct':
      return t.fields.reduce((s, f) => s + defaultSize(f.type), 0n);
    default:
      return 8n;
  }
}

function rowSize(schema: Schema): bigint {
  return 8n + schema.fields.reduce((s, f) => s + defaultSize(f.type), 0n);
}

export function stats(plan: AnalyzedPlan): Map<AnalyzedPlan, string> {
  const out = new Map<AnalyzedPlan, string>();
  const size = (p: AnalyzedPlan): { bytes: bigint; rows?: bigint } => {
    const kids = analyzedChildren(p).map(size);
    const child = kids[0];
    const scaled = (): bigint => {
      const input = analyzedChildren(p)[0];
      if (!child || !input) return UNKNOWN_SIZE;
      const b = (child.bytes * rowSize(p.schema)) / rowSize(input.schema);
      return b > 0n ? b : 1n;
    };
    let r: { bytes: bigint; rows?: bigint };
    switch (p.kind) {
      case 'scan':
      case 'table':
        r = { bytes: UNKNOWN_SIZE };
        break;
      case 'localData':
        r = { bytes: rowSize(p.schema) * BigInt(p.batch.numRows) };
        break;
      case 'range': {
        const n = BigInt(Math.max(0, Math.ceil((p.end - p.start) / p.step)));
        r = { bytes: 8n * n, rows: n };
        break;
      }
      case 'aggregate':
        r = p.groupings.length === 0 ? { bytes: rowSize(p.schema), rows: 1n } : { bytes: scaled() };
        break;
      case 'timeWindow':
        r = { bytes: scaled() * BigInt(Math.ceil(p.windowUs / p.slideUs)) };
        break;
      case 'limit':
        r = { bytes: rowSize(p.schema) * BigInt(p.limit), rows: BigInt(p.limit) };
        break;
      case 'union':
        r = { bytes: kids.reduce((s, k) => s + k.bytes, 0n) };
        break;
      default:
        r = { bytes: scaled() };
    }
    out.set(p, `Statistics(sizeInBytes=${bytesToString(r.bytes)}${r.rows === undefined ? '' : `, rowCount=${r.rows}`})`);
    return r;
  };
  size(plan);
  return out;
}

/** Spark's `Utils.bytesToString`: `80.0 B`, `2.0 KiB`, `8.0 EiB`. */
function bytesToString(size: bigint): string {
  const units: [bigint, string][] = [
    [1n << 60n, 'EiB'],
    [1n << 50n, 'PiB'],
    [1n << 40n, 'TiB'],
    [1n << 30n, 'GiB'],
    [1n << 20n, 'MiB'],
    [1n << 10n, 'KiB'],
  ];
  if (size >= (1n << 11n) * (1n << 60n)) return `${Number(size).toExponential(2)} B`;
  for (const [unit, name] of units) {
    if (size >= 2n * unit) return `${(Number(size) / Number(unit)).toFixed(1)} ${name}`;
  }
  return `${Number(size).toFixed(1)} B`;
}
