/**
 * Time-zone rules as Java's `ZoneId` resolves them for Spark: fixed offsets (`Z`, `+08:00`, `-0530`,
 * `GMT+8`), `UTC`/`GMT`/`UT`, Java's short ids (`PST`, `EST`, ...) and IANA regions. Region offsets
 * come from the platform's tz database through `Intl` (which, like Java, uses local mean time before
 * standard time and the proleptic Gregorian calendar), cached per UTC hour because `Intl` is slow.
 */
import { IllegalArgumentError } from '../errors/errors.js';

export const SECONDS_PER_DAY = 86_400;

/** A resolved zone. `offsetAt` is the zone's offset from UTC, in seconds, at an instant (epoch seconds). */
export type ZoneRules = FixedZone | RegionZone;

export interface FixedZone {
  readonly kind: 'fixed';
  readonly id: string;
  readonly offsetSec: number;
}

export interface RegionZone {
  readonly kind: 'region';
  readonly id: string;
  offsetAt(epochSec: number): number;
}

/** Java's `ZoneId.SHORT_IDS`, which Spark passes to `ZoneId.of`. */
const SHORT_IDS: Readonly<Record<string, string>> = {
  ACT: 'Australia/Darwin',
  AET: 'Australia/Sydney',
  AGT: 'America/Argentina/Buenos_Aires',
  ART: 'Africa/Cairo',
  AST: 'America/Anchorage',
  BET: 'America/Sao_Paulo',
  BST: 'Asia/Dhaka',
  CAT: 'Africa/Harare',
  CNT: 'America/St_Johns',
  CST: 'America/Chicago',
  CTT: 'Asia/Shanghai',
  EAT: 'Africa/Addis_Ababa',
  ECT: 'Europe/Paris',
  IET: 'America/Indiana/Indianapolis',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  MIT: 'Pacific/Apia',
  NET: 'Asia/Yerevan',
  NST: 'Pacific/Auckland',
  PLT: 'Asia/Karachi',
  PNT: 'America/Phoenix',
  PRT: 'America/Puerto_Rico',
  PST: 'America/Los_Angeles',
  SST: 'Pacific/Guadalcanal',
  VST: 'Asia/Ho_Chi_Minh',
  EST: '-05:00',
  MST: '-07:00',
  HST: '-10:00',
};

const MAX_OFFSET_SEC = 18 * 3600;

/**
 * Java's `ZoneOffset.of`: `±h`, `±hh`, `±hhmm`, `±hh:mm`, `±hhmmss`, `±hh:mm:ss`, within ±18:00.
 * Returns the offset in seconds, or undefined when malformed.
 */
export function parseOffsetId(text: string): number | undefined {
  const m = /^([+-])(?:(\d)|(\d\d)|(\d\d)(\d\d)|(\d\d):(\d\d)|(\d\d)(\d\d)(\d\d)|(\d\d):(\d\d):(\d\d))$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[2] ?? m[3] ?? m[4] ?? m[6] ?? m[8] ?? m[11]);
  const mi = Number(m[5] ?? m[7] ?? m[9] ?? m[12] ?? '0');
  const s = Number(m[10] ?? m[13] ?? '0');
  if (h > 18 || mi > 59 || s > 59) return undefined;
  const total = h * 3600 + mi * 60 + s;
  if (total > MAX_OFFSET_SEC) return undefined;
  return m[1] === '-' ? -total : total;
}

const resolved = new Map<string, ZoneRules | null>();

/** Resolves a zone id the way Spark's `getZoneId` does; undefined when Java would reject it. */
export function resolveZone(id: string): ZoneRules | undefined {
  const hit = resolved.get(id);
  if (hit !== undefined) return hit ?? undefined;
  const zone = resolveUncached(id);
  if (resolved.size > 1000) resolved.clear();
  resolved.set(id, zone ?? null);
  return zone;
}

/** The zone rules for a session zone id; an unknown id is the user's error, as in Spark. */
export function sessionZone(timeZone: string): ZoneRules {
  const zone = resolveZone(timeZone);
  if (!zone) throw IllegalArgumentError.withClass('INVALID_TIMEZONE', { timeZone });
  return zone;
}

function resolveUncached(rawId: string): ZoneRules | undefined {
  // Spark widens a one-digit hour before a colon: `+8:00` → `+08:00`.
  const id = rawId.replace(/([+-])(\d):/, '$10$2:');
  const short = SHORT_IDS[id];
  if (short !== undefined) return resolveUncached(short);
  if (id === 'Z' || id === 'UTC' || id === 'GMT' || id === 'UT') return { kind: 'fixed', id, offsetSec: 0 };
  if (id.startsWith('+') || id.startsWith('-')) {
    const off = parseOffsetId(id);
    return off === undefined ? undefined : { kind: 'fixed', id, offsetSec: off };
  }
  const prefixed = /^(UTC|GMT|UT)([+-].*)$/.exec(id);
  if (prefixed) {
    const off = parseOffsetId(prefixed[2] as string);
    return off === undefined ? undefined : { kind: 'fixed', id, offsetSec: off };
  }
  if (!/^[A-Za-z][A-Za-z0-9~/._+-]+$/.test(id)) return undefined;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const canonical = fmt.resolvedOptions().timeZone;
  // Java's region ids are case-sensitive; Intl's are not.
  if (canonical !== id && canonical.toLowerCase() === id.toLowerCase()) return undefined;
  if (canonical === 'UTC' || canonical === 'Etc/UTC' || canonical === 'Etc/GMT') {
    return { kind: 'fixed', id, offsetSec: 0 };
  }
  return new IntlRegionZone(id, fmt);
}

/** Offsets before/after a transition inside one cached hour. */
interface HourWithTransition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

// Date can only represent ±8.64e15 ms; zone rules are constant that far out anyway.
const MAX_INTL_SEC = 8_639_000_000_000;
const MAX_CACHED_HOURS = 200_000;

class IntlRegionZone implements RegionZone {
  readonly kind = 'region' as const;
  private readonly hours = new Map<number, number | HourWithTransition>();
  private lastHour = Number.NaN;
  private lastOffset = 0;

  constructor(
    readonly id: string,
    private readonly fmt: Intl.DateTimeFormat,
  ) {}

  offsetAt(epochSec: number): number {
    const hour = Math.floor(epochSec / 3600);
    if (hour === this.lastHour) return this.lastOffset;
    let entry = this.hours.get(hour);
    if (entry === undefined) {
      entry = this.computeHour(hour);
      if (this.hours.size >= MAX_CACHED_HOURS) this.hours.clear();
      this.hours.set(hour, entry);
    }
    if (typeof entry === 'number') {
      this.lastHour = hour;
      this.lastOffset = entry;
      return entry;
    }
    return epochSec < entry.at ? entry.before : entry.after;
  }

  private computeHour(hour: number): number | HourWithTransition {
    let lo = hour * 3600;
    let hi = lo + 3599;
    const before = this.intlOffset(lo);
    const after = this.intlOffset(hi);
    if (before === after) return before;
    // Find the first second that has the new offset.
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.intlOffset(mid) === before) lo = mid;
      else hi = mid;
    }
    return { at: hi, before, after };
  }

  private intlOffset(epochSec: number): number {
    const sec = Math.max(-MAX_INTL_SEC, Math.min(MAX_INTL_SEC, epochSec));
    // The wall-clock fields Intl gives for the instant; the era turns a BC year into a proleptic one.
    const f = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    let bc = false;
    for (const p of this.fmt.formatToParts(sec * 1000)) {
      if (p.type === 'era') bc = p.value === 'BC' || p.value === 'B';
      else if (Object.hasOwn(f, p.type)) f[p.type as keyof typeof f] = Number(p.value);
    }
    const year = bc ? 1 - f.year : f.year;
    const local = daysFromCivil(year, f.month, f.day) * SECONDS_PER_DAY + f.hour * 3600 + f.minute * 60 + f.second;
    return local - sec;
  }
}

/** Offset in seconds of `zone` at the instant `epochSec`. */
export function offsetSecondsAt(zone: ZoneRules, epochSec: number): number {
  return zone.kind === 'fixed' ? zone.offsetSec : zone.offsetAt(epochSec);
}

/**
 * The instant of a local date-time (as seconds since the local epoch) in `zone`, as Java's
 * `ZonedDateTime.of`: in a DST gap the time moves forward by the gap; in an overlap the earlier
 * offset (the earlier instant) wins.
 */
export function localSecondsToEpoch(zone: ZoneRules, localSec: number): number {
  if (zone.kind === 'fixed') return localSec - zone.offsetSec;
  const early = zone.offsetAt(localSec - SECONDS_PER_DAY);
  const late = zone.offsetAt(localSec + SECONDS_PER_DAY);
  const u1 = localSec - early;
  if (early === late) {
    if (zone.offsetAt(u1) === early) return u1;
    // Two transitions within two days: settle by iterating.
    let u = u1;
    for (let i = 0; i < 3; i++) u = localSec - zone.offsetAt(u);
    return u;
  }
  const u2 = localSec - late;
  const valid1 = zone.offsetAt(u1) === early;
  const valid2 = zone.offsetAt(u2) === late;
  if (valid1 && valid2) return Math.min(u1, u2);
  if (valid2) return u2;
  return u1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The proleptic Gregorian date of a day number (days since 1970-01-01). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
  readonly micros?: number;
}

/** The instant (µs) of a local date-time in `zone` (gaps and overlaps as in `localSecondsToEpoch`). Fields are not validated. */
export function localToMicros(zone: ZoneRules, f: LocalDateTime): number {
  const localSec =
    daysFromCivil(f.year, f.month, f.day) * SECONDS_PER_DAY + (f.hour ?? 0) * 3600 + (f.minute ?? 0) * 60 + (f.second ?? 0);
  return localSecondsToEpoch(zone, localSec) * 1_000_000 + (f.micros ?? 0);
}
