import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemTimeZone } from '../../../engine/types/time.js';
import { hostTimeZone, utcFromLocaltimeLink } from '../../../master/session/host-time-zone.js';

describe('the host time zone', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads UTC from a /etc/localtime link the way ICU reads the zone id after /zoneinfo/', () => {
    expect(utcFromLocaltimeLink('/usr/share/zoneinfo/Etc/UTC')).toBe('UTC');
    expect(utcFromLocaltimeLink('../usr/share/zoneinfo/UTC')).toBe('UTC');
    expect(utcFromLocaltimeLink('/usr/share/zoneinfo/Europe/Berlin')).toBeUndefined();
    expect(utcFromLocaltimeLink('/usr/share/zoneinfo/posix/Etc/UTC')).toBeUndefined();
    expect(utcFromLocaltimeLink('/usr/share/zoneinfo/Etc/UTC.bak')).toBeUndefined();
    expect(utcFromLocaltimeLink('/etc/UTC')).toBeUndefined();
  });

  it('is the zone Intl reports for this host when TZ is not set', () => {
    vi.stubEnv('TZ', undefined);
    expect(process.env['TZ']).toBeUndefined();
    expect(hostTimeZone()).toBe(systemTimeZone());
    expect(hostTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  });

  it('asks Intl for an empty TZ, which ICU takes as a zone of its own', () => {
    vi.stubEnv('TZ', '');
    expect(hostTimeZone()).toBe(systemTimeZone());
  });

  it('leaves a TZ of the environment to systemTimeZone', () => {
    vi.stubEnv('TZ', 'America/Los_Angeles');
    expect(hostTimeZone()).toBe('America/Los_Angeles');
    vi.stubEnv('TZ', ':Asia/Tokyo');
    expect(hostTimeZone()).toBe('Asia/Tokyo');
  });
});
