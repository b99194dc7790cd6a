import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLUSTER_NODE_OPTIONS } from '../../../infra/v8/young-generation.js';

const read = (path: string): string => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');

/** The block of one compose service, from its name to the next service. */
function service(compose: string, name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  expect(start).toBeGreaterThan(0);
  const next = /\n {2}[a-z][\w-]*:\n/g;
  next.lastIndex = start + 1;
  const end = next.exec(compose)?.index ?? compose.length;
  return compose.slice(start, end);
}

describe('the cluster processes’ Node options', () => {
  it('are what docker-compose.yml gives the master and the workers', () => {
    const compose = read('docker-compose.yml');
    for (const name of ['master', 'worker']) expect(service(compose, name)).toContain(`NODE_OPTIONS: "${CLUSTER_NODE_OPTIONS}"`);
  });

  it("are what the README's process recipe exports", () => {
    const recipe = /<!-- recipe: one host -->\s*```sh\n([\s\S]*?)```/.exec(read('README.md'))?.[1] ?? '';
    expect(recipe.split('\n').map((l) => l.replace(/\s+#.*$/, ''))).toContain(`export NODE_OPTIONS=${CLUSTER_NODE_OPTIONS}`);
  });

  it('size only the young generation (V8 reads them at start: they cannot be set from inside the process)', () => {
    expect(CLUSTER_NODE_OPTIONS).toMatch(/^--max-semi-space-size=\d+$/);
  });
});
