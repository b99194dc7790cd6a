import { NotSupportedError } from '../errors/errors.js';
import { stringToInterval, type CalendarInterval } from '../types/interval-string.js';

/**
 * Spark 4's ANSI interval literals as they appear in SQL text and column names:
 * `INTERVAL 5 MINUTES` is `INTERVAL '05' MINUTE` (a day-time interval), `INTERVAL 1 MONTH` is
 * `INTERVAL '1' MONTH` (year-month), several units give a range (`INTERVAL '1 02:03:04' DAY TO
 * SECOND`). Kindling has no interval column type; literals are used in `+`/`-` with a date or a
 * timestamp, which is where a notebook meets them.
 */

const DAY_TIME = ['day', 'hour', 'minute', 'second'] as const;
const YEAR_MONTH = ['year', 'month'] as const;
const MICROS = { day: 86_400_000_000, hour: 3_600_000_000, minute: 60_000_000, second: 1_000_000 } as const;

export interface IntervalLiteral {
  readonly interval: CalendarInterval;
  /** Spark's SQL text, e.g. `INTERVAL '05' MINUTE`. */
  readonly sql: string;
  readonly yearMonth: boolean;
  /** A day-time interval of whole days only (`INTERVAL 2 DAYS`): dates add it as days. */
  readonly daysOnly: boolean;
}

/** Units named in a normalized unit list (`5 minutes`, `1 days 2 hours`), singular, in order. */
function unitsOf(text: string): string[] {
  const words = text.trim().toLowerCase().split(/\s+/);
  const out: string[] = [];
  for (let i = 1; i < words.length; i += 2) {
    const w = (words[i] as string).replace(/s$/, '');
    out.push(w === 'week' ? 'day' : w === 'millisecond' || w === 'microsecond' ? 'second' : w);
  }
  return out;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

export function intervalLiteral(text: string): IntervalLiteral {
  const interval = stringToInterval(text);
  const units = unitsOf(text);
  const ym = units.filter((u) => (YEAR_MONTH as readonly string[]).includes(u));
  const dt = units.filter((u) => (DAY_TIME as readonly string[]).includes(u));
  if (ym.length > 0 && dt.length > 0) {
    throw new NotSupportedError(`Interval literals mixing year-month and day-time units (${text}) are not supported by Kindling.`);
  }
  if (ym.length > 0) {
    const months = interval.months;
    const sign = months < 0 ? '-' : '';
    const abs = Math.abs(months);
    const hasYear = ym.includes('year');
    const hasMonth = ym.includes('month');
    const sql =
      hasYear && hasMonth
        ? `INTERVAL '${sign}${Math.trunc(abs / 12)}-${abs % 12}' YEAR TO MONTH`
        : hasYear
          ? `INTERVAL '${sign}${abs / 12}' YEAR`
          : `INTERVAL '${sign}${abs}' MONTH`;
    return { interval, sql, yearMonth: true, daysOnly: false };
  }
  const order = DAY_TIME.filter((u) => dt.includes(u));
  const start = order[0] ?? 'second';
  const end = order[order.length - 1] ?? 'second';
  const total = interval.days * MICROS.day + interval.micros;
  const sign = total < 0 ? '-' : '';
  let rest = Math.abs(total);
  const parts: string[] = [];
  const from = DAY_TIME.indexOf(start);
  const to = DAY_TIME.indexOf(end);
  for (let i = from; i <= to; i++) {
    const unit = DAY_TIME[i] as keyof typeof MICROS;
    const v = Math.floor(rest / MICROS[unit]);
    rest -= v * MICROS[unit];
    if (unit === 'day') parts.push(String(v));
    else if (unit !== 'second' || rest === 0) parts.push(two(v));
    else parts.push(`${two(v)}.${String(rest).padStart(6, '0')}`);
  }
  let body = '';
  parts.forEach((p, k) => {
    const unit = DAY_TIME[from + k];
    body += k === 0 ? p : unit === 'hour' ? ` ${p}` : `:${p}`;
  });
  const name = from === to ? start.toUpperCase() : `${start.toUpperCase()} TO ${end.toUpperCase()}`;
  const daysOnly = start === 'day' && end === 'day';
  return { interval, sql: `INTERVAL '${sign}${body}' ${name}`, yearMonth: false, daysOnly };
}

/** `'1 2:03:04' DAY TO SECOND` etc.: the string's fields as a unit list (`1 days 2 hours ...`). */
export function rangeToUnitList(value: string, from: string, to: string): string | undefined {
  const units = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];
  const a = units.indexOf(from);
  const b = units.indexOf(to);
  if (a < 0 || b <= a) return undefined;
  const m = /^\s*([+-]?)(.*?)\s*$/.exec(value);
  const sign = m?.[1] === '-' ? '-' : '';
  const fields = (m?.[2] ?? '').split(/[\s:-]/);
  if (fields.length !== b - a + 1 || fields.some((f) => !/^\d+(\.\d+)?$/.test(f))) return undefined;
  return fields.map((f, i) => `${sign}${f} ${(units[a + i] as string).toLowerCase()}s`).join(' ');
}
