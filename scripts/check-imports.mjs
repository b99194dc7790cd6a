#!/usr/bin/env node
// Checks the runtime import graph of the non-test tree (part of `npm run lint`):
//  (a) no import cycles among files anywhere (a cycle makes module evaluation order decide whether a
//      binding is initialized yet, and ties folders into one knot that can only be understood whole);
//  (b) engine/'s folders keep the layer order written in ARCHITECTURE.md ("Layers inside engine/"):
//      a file may import, at runtime, only from its own folder or a lower one.
// `import type` and `export type` are erased by tsc, so they are not edges. `import { type A }`
// is one: under `verbatimModuleSyntax` tsc keeps it as `import {} from`, which still loads the
// module. Dynamic `import('…')` is an edge.
//
// Usage: node scripts/check-imports.mjs [--root <dir>]   (exit 1 on any finding, 2 on a bad argument)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Top-level folders whose files are checked; test/ is outside (tests may reach anywhere). */
const CHECKED_ROOTS = ['engine', 'master', 'worker', 'client', 'cli', 'proto', 'bench', 'infra'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);
/** Generated code (protobuf types, built from the .proto files): not ours to layer. */
const GENERATED_DIR = join('proto', 'generated');
const LAYER_HEADING = /^#{2,4} Layers inside engine\/\s*$/;

function parseArgs(argv) {
  let root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root' && argv[i + 1] !== undefined) root = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (usage: check-imports.mjs [--root <dir>])`);
  }
  return { root };
}

function listTsFiles(root, dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIPPED_DIRS.has(name) && relative(root, path) !== GENERATED_DIR) listTsFiles(root, path, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

/** `import type …` and `export type … from` are erased; every other form loads the module at run time. */
function isTypeOnlyDeclaration(node) {
  if (ts.isImportDeclaration(node)) return node.importClause?.isTypeOnly === true;
  return ts.isExportDeclaration(node) && node.isTypeOnly;
}

/** Runtime module specifiers of one file: static imports/re-exports and dynamic `import('literal')`. */
function runtimeSpecifiers(path) {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier) && !isTypeOnlyDeclaration(node)) found.push(node.moduleSpecifier.text);
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference;
      if (!node.isTypeOnly && ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) found.push(ref.expression.text);
      return;
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg !== undefined && ts.isStringLiteralLike(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Relative specifiers name `.js` files that tsc emits from `.ts` sources; packages and `node:` are outside the graph. */
function resolveSpecifier(fromFile, specifier, files) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base.replace(/\.(m|c)?js$/, '.$1ts'), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => files.has(c));
}

function buildGraph(root) {
  const fileList = CHECKED_ROOTS.filter((d) => existsSync(join(root, d))).flatMap((d) => listTsFiles(root, join(root, d), []));
  const files = new Set(fileList);
  const graph = new Map();
  for (const file of fileList) {
    const targets = new Set();
    for (const spec of runtimeSpecifiers(file)) {
      const target = resolveSpecifier(file, spec, files);
      if (target !== undefined) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** Tarjan's strongly connected components, iterative (deep import chains must not overflow the stack). */
function stronglyConnected(graph) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const edges = graph.get(node) ?? [];
      if (i < edges.length) {
        frame[1]++;
        const to = edges[i];
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push([to, 0]);
        } else if (onStack.has(to)) {
          low.set(node, Math.min(low.get(node), index.get(to)));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent[0], Math.min(low.get(parent[0]), low.get(node)));
      if (low.get(node) === index.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        components.push(component);
      }
    }
  }
  return components;
}

/** The shortest cycle through `start` that stays inside `members` (breadth-first back to `start`). */
function shortestCycle(graph, start, members) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const chain = [];
        for (let at = node; at !== undefined; at = previous.get(at)) chain.unshift(at);
        return [...chain, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return undefined;
}

/** For each knot, shortest cycles until every member has been shown in one (so each edge to cut is visible). */
function cycleFindings(graph, root) {
  const rel = (f) => relative(root, f).split(sep).join('/');
  const findings = [];
  for (const component of stronglyConnected(graph)) {
    const members = new Set(component);
    const selfLoop = component.length === 1 && (graph.get(component[0]) ?? []).includes(component[0]);
    if (component.length === 1 && !selfLoop) continue;
    const shown = new Set();
    const cycles = [];
    for (const start of [...component].sort()) {
      if (shown.has(start)) continue;
      const cycle = shortestCycle(graph, start, members);
      if (cycle === undefined) continue;
      cycle.forEach((f) => shown.add(f));
      cycles.push(cycle.map(rel).join(' -> '));
    }
    findings.push(
      `import cycle among ${component.length} file(s):\n` + cycles.map((c) => `    ${c}`).join('\n'),
    );
  }
  return findings;
}

/** The ranked folder list: the first fenced block after the "Layers inside engine/" heading, one folder per line, lowest first. */
function readLayerOrder(root) {
  const doc = join(root, 'ARCHITECTURE.md');
  if (!existsSync(doc)) throw new Error(`${doc} not found: the engine layer order is written there`);
  const lines = readFileSync(doc, 'utf8').split('\n');
  const heading = lines.findIndex((l) => LAYER_HEADING.test(l));
  if (heading < 0) throw new Error('ARCHITECTURE.md has no "Layers inside engine/" heading with the layer order');
  const open = lines.findIndex((l, i) => i > heading && l.startsWith('```'));
  const close = lines.findIndex((l, i) => i > open && l.startsWith('```'));
  if (open < 0 || close < 0) throw new Error('"Layers inside engine/" needs a fenced block listing engine/ folders, lowest first');
  const order = lines
    .slice(open + 1, close)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(/^engine\//, '').replace(/\/$/, ''));
  return order;
}

/** engine/<folder>/… → folder; files at engine/'s root (the package entry) rank above every folder. */
function engineFolder(root, file) {
  const parts = relative(join(root, 'engine'), file).split(sep);
  if (parts[0] === '..' || parts.length === 0) return undefined;
  return parts.length === 1 ? '' : parts[0];
}

function layerFindings(graph, root) {
  const engineDir = join(root, 'engine');
  if (!existsSync(engineDir)) return [];
  const order = readLayerOrder(root);
  const rank = new Map(order.map((folder, i) => [folder, i]));
  const findings = [];
  const folders = readdirSync(engineDir).filter((n) => statSync(join(engineDir, n)).isDirectory());
  for (const folder of folders) {
    if (!rank.has(folder)) findings.push(`engine/${folder}/ is missing from the layer order in ARCHITECTURE.md ("Layers inside engine/")`);
  }
  for (const folder of order) {
    if (!folders.includes(folder)) findings.push(`the layer order in ARCHITECTURE.md names engine/${folder}/, which does not exist`);
  }
  const rel = (f) => relative(root, f).split(sep).join('/');
  for (const [from, targets] of graph) {
    const fromFolder = engineFolder(root, from);
    if (fromFolder === undefined || fromFolder === '') continue;
    for (const to of targets) {
      const toFolder = engineFolder(root, to);
      if (toFolder === undefined || toFolder === fromFolder) continue;
      const fromRank = rank.get(fromFolder);
      const toRank = toFolder === '' ? Infinity : rank.get(toFolder);
      if (fromRank === undefined || toRank === undefined) continue; // reported above
      if (toRank > fromRank) {
        const target = toFolder === '' ? 'engine/ (root)' : `engine/${toFolder}/`;
        findings.push(`layer violation: ${rel(from)} imports ${rel(to)} (engine/${fromFolder}/ is below ${target})`);
      }
    }
  }
  return findings;
}

function main() {
  const { root } = parseArgs(process.argv.slice(2));
  const graph = buildGraph(root);
  const findings = cycleFindings(graph, root);
  try {
    findings.push(...layerFindings(graph, root));
  } catch (e) {
    findings.push(e instanceof Error ? e.message : String(e));
  }
  if (findings.length > 0) {
    for (const f of findings) console.error(f);
    console.error(`check-imports: ${findings.length} problem(s) in ${graph.size} files (type-only imports are not counted; see ARCHITECTURE.md, "Layers inside engine/")`);
    process.exit(1);
  }
  console.log(`check-imports: ${graph.size} files, no runtime import cycles, engine/ layers in order`);
}

try {
  main();
} catch (e) {
  console.error(`check-imports: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}
