import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  const path = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => p !== undefined && p !== '' && existsSync(p));
  if (path === undefined) throw new Error('chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  return path;
}

export function launchChromium(): Promise<Browser> {
  // Root in CI: Chromium's sandbox needs an unprivileged user; /dev/shm may be small in containers.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'ui');

/** Saves what the page shows at laptop (1366x768) and desktop (1920x1080) sizes. */
export async function screenshots(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [w, h] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    // Charts resize on the next frame: wait for two frames (the resize, then its paint).
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${w}x${h}.png`), fullPage });
  }
}

/** How long a UI test waits for the page to show something (a browser on a loaded machine is slow). */
export const UI_WAIT_MS = 45_000;
