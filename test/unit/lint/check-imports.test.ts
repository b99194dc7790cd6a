import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const script = join(repo, 'scripts/check-imports.mjs');

/** The checker as `npm run lint` runs it, on `root`. */
function check(root?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, root === undefined ? [script] : [script, '--root', root], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const trees: string[] = [];
afterEach(() => {
  for (const t of trees.splice(0)) rmSync(t, { recursive: true, force: true });
});

/** A tree of files (path → text) with an ARCHITECTURE.md ranking `layers`, lowest first. */
function tree(layers: readonly string[], files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'check-imports-'));
  trees.push(root);
  const doc = ['# Fixture', '', '### Layers inside engine/', '', '```', ...layers.map((l) => `${l}   # rank`), '```', ''].join('\n');
  writeFileSync(join(root, 'ARCHITECTURE.md'), doc);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('scripts/check-imports.mjs', () => {
  it('fails on a runtime import cycle and prints its file chain', () => {
    const root = tree(['a'], {
      'engine/a/x.ts': "import { y } from './y.js';\nexport const x = (): number => y + 1;\n",
      'engine/a/y.ts': "import { z } from './z.js';\nexport const y = 1;\nexport const w = z;\n",
      'engine/a/z.ts': "export { x as z } from './x.js';\n",
    });
    const r = check(root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('import cycle among 3 file(s):\n    engine/a/x.ts -> engine/a/y.ts -> engine/a/z.ts -> engine/a/x.ts');
  });

  it('counts dynamic import() and `import { type T }` (kept by verbatimModuleSyntax), but not `import type`', () => {
    const files = {
      'client/a.ts': "export async function load(): Promise<unknown> {\n  return import('./b.js');\n}\n",
      'client/b.ts': "import { type Loader } from './c.js';\nexport const b: Loader | undefined = undefined;\n",
      'client/c.ts': "import { load } from './a.js';\nexport type Loader = typeof load;\n",
    };
    const cyclic = check(tree([], files));
    expect(cyclic.status).toBe(1);
    expect(cyclic.stderr).toContain('client/a.ts -> client/b.ts -> client/c.ts -> client/a.ts');

    const typeOnly = { ...files, 'client/b.ts': "import type { Loader } from './c.js';\nexport const b: Loader | undefined = undefined;\n" };
    const ok = check(tree([], typeOnly));
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
  });

  it('fails when an engine/ folder imports a folder ranked above it', () => {
    const root = tree(['low', 'high'], {
      'engine/high/h.ts': "import { l } from '../low/l.js';\nexport const h = l;\n",
      'engine/low/l.ts': "export const l = 1;\n",
      'engine/low/m.ts': "import { h } from '../high/h.js';\nimport type { Unused } from '../high/t.js';\nexport const m: Unused = h;\n",
      'engine/high/t.ts': 'export type Unused = number;\n',
    });
    const r = check(root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('layer violation: engine/low/m.ts imports engine/high/h.ts (engine/low/ is below engine/high/)');
    expect(r.stderr).not.toContain('t.ts');
    expect(r.stderr).toContain('1 problem(s)');
  });

  it('fails when an engine/ folder is missing from the written order', () => {
    const r = check(tree(['low'], { 'engine/low/l.ts': 'export const l = 1;\n', 'engine/extra/e.ts': 'export const e = 2;\n' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('engine/extra/ is missing from the layer order in ARCHITECTURE.md');
  });

  it('passes on this repository', () => {
    const r = check();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/check-imports: \d+ files, no runtime import cycles, engine\/ layers in order/);
  });
});
