import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';

/** master/ui/static in the source tree, whether this runs from source (tests) or from dist/. */
const STATIC_DIR = [new URL('./static/', import.meta.url), new URL('../../../master/ui/static/', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p));

/** uPlot's dist folder, from node_modules (no CDN). */
function uplotDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('uplot'));
  } catch {
    return undefined;
  }
}

const VENDOR: Readonly<Record<string, string>> = { 'uPlot.esm.js': 'uPlot.esm.js', 'uPlot.min.css': 'uPlot.min.css' };

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** `/ui/<file>`: the UI's own modules and styles, and `/ui/vendor/<file>`: uPlot. */
export async function serveStatic(res: ServerResponse, file: string): Promise<void> {
  let path: string | undefined;
  if (file.startsWith('vendor/')) {
    const name = VENDOR[file.slice('vendor/'.length)];
    const dir = uplotDir();
    path = name && dir ? join(dir, name) : undefined;
  } else if (STATIC_DIR) {
    const candidate = normalize(join(STATIC_DIR, file));
    path = candidate.startsWith(STATIC_DIR.endsWith(sep) ? STATIC_DIR : STATIC_DIR + sep) ? candidate : undefined;
  }
  const type = path ? TYPES[extname(path)] : undefined;
  if (!path || !type) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  try {
    const body = await readFile(path);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  }
}
