import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const AUTH_COOKIE = 'kindling_token';

/** Paths answered without a token: probes, the login page and its style sheet. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/login', '/ui/style.css']);

/** Equal strings in time independent of where they differ (both sides hashed to one length first). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * The HTTP port's token check (when `--token` is set): `Authorization: Bearer T` for programs,
 * and for browsers an HttpOnly cookie set by the login page or by `?token=T`. The cookie holds a
 * keyed hash of the token, not the token itself.
 */
export class HttpAuth {
  constructor(
    private readonly token: string | undefined,
    private readonly metricsOpen = false,
  ) {}

  get enabled(): boolean {
    return this.token !== undefined && this.token !== '';
  }

  isOpen(path: string): boolean {
    return !this.enabled || OPEN_PATHS.has(path) || (this.metricsOpen && path === '/metrics');
  }

  /** True when the request carries the token (bearer header, the login cookie, or `?token=`). */
  allows(req: IncomingMessage, url: URL): boolean {
    if (!this.enabled) return true;
    const header = req.headers.authorization;
    if (header !== undefined && constantTimeEqual(header, `Bearer ${this.token ?? ''}`)) return true;
    const cookie = readCookie(req, AUTH_COOKIE);
    if (cookie !== undefined && constantTimeEqual(cookie, this.cookieValue())) return true;
    const query = url.searchParams.get('token');
    return query !== null && this.check(query);
  }

  check(candidate: string): boolean {
    return this.enabled && constantTimeEqual(candidate, this.token ?? '');
  }

  /** The Set-Cookie header value after a good login. */
  setCookie(): string {
    return `${AUTH_COOKIE}=${this.cookieValue()}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private cookieValue(): string {
    return createHmac('sha256', this.token ?? '').update('kindling-ui-session').digest('hex');
  }
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
