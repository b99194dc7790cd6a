import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineServer, startKindling, type KindlingProcess } from './process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = [join(ROOT, 'bin/kindling.js'), join(ROOT, '../bin/kindling.js')].find((p) => existsSync(p)) as string;

/** The TypeScript block under "The seed word count, in TypeScript" in README.md, as written. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## The seed word count, in TypeScript\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no TypeScript example under "The seed word count, in TypeScript"');
  return block;
}

/** Runs `kindling shell` with `input` piped on stdin; resolves to its stdout, stderr and exit code. */
function runShell(remote: string, input: string): Promise<{ out: string; err: string; code: number | null }> {
  const child = spawn(process.execPath, [BIN, 'shell', '--remote', remote], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ out, err, code })));
}

/**
 * The README's example pasted into `kindling shell` as written: only the two addresses this host
 * forbids (the default Connect port and the feed's 9999) are swapped for the test's own. Lines
 * after it check what the example left behind.
 */
describe("kindling shell runs the README's TypeScript example as written", () => {
  let kindling: KindlingProcess;
  let feed: LineServer;
  let checkpoints: string;

  beforeAll(async () => {
    checkpoints = mkdtempSync(join(tmpdir(), 'kindling-shell-'));
    feed = await LineServer.start();
    kindling = await startKindling(['local', '--port', '0', '--workers', '2', '--log-level', 'warn', '--checkpoint-dir', checkpoints]);
  }, 60_000);

  afterAll(async () => {
    await kindling?.stop();
    await feed?.close();
    if (checkpoints) rmSync(checkpoints, { recursive: true, force: true });
  });

  it('imports from kindling, starts the query, shows and collects the table', async () => {
    const example = readmeExample();
    expect(example).toMatch(/^import \{[^}]*\} from 'kindling';$/m);
    expect(example).toContain("remote('sc://localhost:15002')");
    expect(example).toContain(".option('port', 9999)");
    const remote = `sc://localhost:${kindling.port}`;
    const lines = example.replace("remote('sc://localhost:15002')", `remote('${remote}')`).replace(".option('port', 9999)", `.option('port', ${feed.port})`);
    // The socket source connects when the query starts; then every word arrives in one batch.
    const fed = feed.waitForConnections(1, 60_000).then(() => feed.broadcast(['cat dog cat', 'cat bird']));
    const checks = [
      "while ((await spark.sql('SELECT * FROM wordcounts').collect()).length < 6) await new Promise((r) => setTimeout(r, 100));",
      "const top = await spark.sql('SELECT window.end, * FROM wordcounts ORDER BY count DESC, word, end').collect();",
      "console.log('CHECK ' + JSON.stringify({ keys: Object.keys(top[0]), spread: Object.keys({ ...top[0] }), word: top[0].word, count: top[0].count, date: top[0].end instanceof Date, micros: top[0].end.micros === top[0].end.getTime() * 1000, sameSession: spark === globalThis.spark }));",
      "console.log('ROWS ' + Array.isArray(rows));",
      'await q.stop();',
    ];
    const { out, err, code } = await runShell(remote, `${lines}\n${checks.join('\n')}\n`);
    await fed;
    expect(out, err).not.toMatch(/Uncaught|Error/);
    expect(code).toBe(0);
    expect(out).toContain(`\`spark\` is a session on ${remote}`);
    // `await spark.sql('SELECT * FROM wordcounts').show()`: the table, empty or not yet, has its header.
    expect(out).toMatch(/\|\s*window\s*\|\s*word\s*\|\s*count\s*\|/);
    const check = /CHECK (.*)/.exec(out)?.[1];
    expect(JSON.parse(check ?? 'null')).toEqual({
      keys: ['end', 'window', 'word', 'count'],
      spread: ['end', 'window', 'word', 'count'],
      word: 'cat',
      count: 3,
      date: true,
      micros: true,
      sameSession: true,
    });
    expect(out).toContain('ROWS true');
  }, 120_000);
});
