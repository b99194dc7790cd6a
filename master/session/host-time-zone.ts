import { readlinkSync } from 'node:fs';
import { systemTimeZone } from '../../engine/types/time.js';

/**
 * Link targets of /etc/localtime that ICU reads as the host's zone and V8 reports as `UTC`: the
 * usual link of Debian, Ubuntu and most container images, and the bare name some use.
 */
const UTC_LINKS = new Set(['Etc/UTC', 'UTC']);

/**
 * The zone id a /etc/localtime link target names as ICU reads it (the part after `/zoneinfo/`),
 * when that is one the host zone would be reported as `UTC` for; undefined otherwise.
 */
export function utcFromLocaltimeLink(target: string): 'UTC' | undefined {
  const at = target.indexOf('/zoneinfo/');
  if (at < 0) return undefined;
  return UTC_LINKS.has(target.slice(at + '/zoneinfo/'.length)) ? 'UTC' : undefined;
}

/**
 * The host's zone id for `spark.sql.session.timeZone`, as `systemTimeZone()` gives it, without
 * asking Intl when TZ is not set at all (an empty TZ is ICU's `Etc/Unknown`) and /etc/localtime
 * links to UTC. Why: Intl's default zone loads ICU's locale and zone data, ~4.5 MB of pages
 * resident in every master (and local) process for good, to learn what the link already says;
 * ICU itself reads the host zone from that link.
 */
export function hostTimeZone(): string {
  if (process.env['TZ'] === undefined) {
    let target: string | undefined;
    try {
      target = readlinkSync('/etc/localtime');
    } catch {
      target = undefined; // not a link (a copied zone file) or absent: Intl knows best
    }
    const utc = target === undefined ? undefined : utcFromLocaltimeLink(target);
    if (utc) return utc;
  }
  return systemTimeZone();
}
