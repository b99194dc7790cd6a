import repl, { type REPLEval } from 'node:repl';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import * as kindling from '../client/index.js';
import { rewriteImports } from './shell-imports.js';

/** Where rewritten `import ... from 'kindling'` lines read the client module (a key no user code shadows). */
const CLIENT_KEY = 'kindling.shell.client';

/** The modules the shell can import by their package name, beyond the preloaded client. */
const PACKAGE_MODULES: Readonly<Record<string, string>> = {
  'kindling/engine': new URL('../engine/index.js', import.meta.url).href,
};

/** What an import of `specifier` reads in the REPL: the preloaded client, else a dynamic import. */
function moduleSource(specifier: string): string {
  if (specifier === 'kindling') return `globalThis[Symbol.for(${JSON.stringify(CLIENT_KEY)})]`;
  return `(await import(${JSON.stringify(PACKAGE_MODULES[specifier] ?? specifier)}))`;
}

/**
 * `kindling shell`: a Node REPL with `spark` (a session on `remote`), `F` and `functions`,
 * `SparkSession` and the whole client as `kindling` bound. Top-level await works, and `import`
 * lines are rewritten into bindings (see shell-imports.ts), so the README's example runs as
 * written. Piped input (`kindling shell < notebook.js`) runs line by line as if typed: each line
 * waits for the previous one, awaits included.
 */
export async function startShell(remote: string): Promise<void> {
  const spark = await kindling.SparkSession.builder().remote(remote).appName('kindling-shell').getOrCreate();
  process.stdout.write(
    `Kindling shell: \`spark\` is a session on ${remote}; \`F\` (also \`functions\`), \`SparkSession\` and the whole client as \`kindling\` are bound.\n` +
      `  Top-level await works, and \`import { ... } from 'kindling'\` lines bind from the loaded client.\n` +
      `  e.g. await spark.sql('SELECT 1 AS one').show()\n`,
  );
  const piped = process.stdin.isTTY === true ? undefined : new PipedLines(process.stdin);
  const server = repl.start({
    prompt: 'kindling> ',
    // The process's own realm, as `node`'s REPL: a Timestamp or Row from the client must pass
    // `instanceof Date` / `instanceof Array` typed in the shell.
    useGlobal: true,
    ...(piped === undefined ? {} : { input: piped.input, output: process.stdout, terminal: false }),
  });
  const context = server.context as Record<string | symbol, unknown>;
  Object.assign(context, { spark, F: kindling.functions, functions: kindling.functions, SparkSession: kindling.SparkSession, kindling });
  context[Symbol.for(CLIENT_KEY)] = kindling;
  const evaluate: REPLEval = server.eval;
  (server as { eval: REPLEval }).eval = (code, ctx, file, cb) => evaluate.call(server, rewriteImports(code, moduleSource), ctx, file, cb);
  if (piped !== undefined) {
    const display = server.displayPrompt.bind(server);
    server.displayPrompt = (preserveCursor?: boolean) => {
      display(preserveCursor);
      setImmediate(() => piped.ready());
    };
    piped.ready();
  }
  await new Promise<void>((resolve) => server.on('exit', () => resolve()));
  await spark.stop();
}

/**
 * Piped stdin, handed to the REPL one line at a time. Node's REPL runs a line with a top-level
 * await in the background and takes the next piped line at once (only a terminal's keys are held
 * back), so a later line would see the awaited name still undefined. The prompt comes back only
 * when a line is done, so each prompt lets one more line in, as if typed.
 */
class PipedLines {
  readonly input = new PassThrough();
  readonly #lines: string[] = [];
  #ended = false;
  #ready = false;

  constructor(stdin: NodeJS.ReadableStream) {
    const reader = createInterface({ input: stdin, crlfDelay: Infinity });
    reader.on('line', (line) => {
      this.#lines.push(line);
      this.#next();
    });
    reader.on('close', () => {
      this.#ended = true;
      this.#next();
    });
  }

  /** The REPL showed its prompt: it takes one more line. */
  ready(): void {
    this.#ready = true;
    this.#next();
  }

  #next(): void {
    if (!this.#ready) return;
    const line = this.#lines.shift();
    if (line !== undefined) {
      this.#ready = false;
      this.input.write(`${line}\n`);
    } else if (this.#ended) {
      this.input.end();
    }
  }
}
