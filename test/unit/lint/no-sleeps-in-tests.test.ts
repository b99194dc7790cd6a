import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * `npm run lint` rejects a fixed sleep in a test (the source of the flaky runs) and allows the
 * timers inside test/support, where eventually() and letTimePass() live. The real eslint.config.js
 * is used; only type-aware parsing is turned off, since the snippets are not files of the project.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off', '@typescript-eslint/await-thenable': 'off' },
  },
});

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const SLEEPS: Record<string, string> = {
  'a promise around setTimeout': 'export async function f(): Promise<void> {\n  await new Promise((res) => setTimeout(res, 400));\n}\n',
  'a sleep helper': 'export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(() => r(), ms));\n',
  'globalThis.setTimeout': 'export function f(done: () => void): void {\n  globalThis.setTimeout(done, 50);\n}\n',
  'a polling interval': 'export function f(check: () => void): void {\n  setInterval(check, 10);\n}\n',
  'timers/promises': "import { setTimeout as sleep } from 'node:timers/promises';\nexport async function f(): Promise<void> {\n  await sleep(400);\n}\n",
  "vitest's vi.waitFor": "import { expect, vi } from 'vitest';\nexport async function f(n: () => number): Promise<void> {\n  await vi.waitFor(() => expect(n()).toBe(3));\n}\n",
  "playwright's waitForTimeout": 'export async function f(page: { waitForTimeout(ms: number): Promise<void> }): Promise<void> {\n  await page.waitForTimeout(300);\n}\n',
};

describe('npm run lint: no fixed sleeps in tests', () => {
  for (const [what, code] of Object.entries(SLEEPS)) {
    it(`rejects ${what} in a test and points at eventually()`, async () => {
      const found = await problems(code, 'test/cluster/new-sleep.test.ts');
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((p) => /^no-restricted-(syntax|imports): .*(eventually\(\)|fixed sleeps)/.test(p))).toBe(true);
      expect(await problems(code, 'test/e2e/helpers.ts')).toEqual(found);
    });
  }

  it('allows the same timers inside test/support, where the wait helpers live', async () => {
    for (const code of Object.values(SLEEPS)) expect(await problems(code, 'test/support/new-helper.ts')).toEqual([]);
  });

  it('allows timers in production code (the rule is only about tests)', async () => {
    expect(await problems(SLEEPS['a promise around setTimeout'] ?? '', 'master/new-module.ts')).toEqual([]);
  });

  it('lets a test wait on the condition itself', async () => {
    const code = "import { eventually } from '../support/eventually.js';\nexport async function f(rows: () => number): Promise<void> {\n  await eventually(() => rows() === 3, { timeoutMs: 20_000, message: 'three rows' });\n}\n";
    expect(await problems(code, 'test/cluster/new.test.ts')).toEqual([]);
  });
});
