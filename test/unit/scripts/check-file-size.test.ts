import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/check-file-size.mjs', import.meta.url));
const roots: string[] = [];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'file-size-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

function lines(n: number, head: string[] = []): string {
  const body = Array.from({ length: n - head.length }, (_, i) => `export const v${i} = ${i};`);
  return [...head, ...body].join('\n') + '\n';
}

function check(root: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('check-file-size', () => {
  it('passes a 400-line file and fails a 401-line one, naming it', () => {
    expect(check(tree({ 'engine/a.ts': lines(400) })).status).toBe(0);
    const r = check(tree({ 'engine/deep/b.ts': lines(401), 'master/c.ts': lines(10) }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('engine/deep/b.ts: 401 lines');
    expect(r.stderr).not.toContain('master/c.ts');
  });

  it('passes a long file whose first lines give the reason, not one with an empty or late marker', () => {
    const reason = '// Over 400 lines because: one table of every function, kept together to be read as one.';
    expect(check(tree({ 'cli/a.ts': lines(450, ['// The cli table.', reason]) })).status).toBe(0);
    expect(check(tree({ 'cli/a.ts': lines(450, ['// Over 400 lines because:']) })).status).toBe(1);
    const late = ['// 1', '// 2', '// 3', '// 4', '// 5', reason];
    expect(check(tree({ 'cli/a.ts': lines(450, late) })).status).toBe(1);
  });

  it('leaves out tests, other folders, and generated proto code, but reads proto/*.ts and scripts', () => {
    const ok = tree({
      'engine/a.test.ts': lines(500),
      'docs/a.ts': lines(500),
      'proto/generated/x.ts': lines(500),
      'engine/notes.md': lines(500),
    });
    expect(check(ok).status).toBe(0);
    const bad = check(tree({ 'proto/load.ts': lines(401), 'scripts/s.mjs': lines(401) }));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('proto/load.ts');
    expect(bad.stderr).toContain('scripts/s.mjs');
  });
});
