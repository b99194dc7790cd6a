// Fails when a non-test source file is over 400 lines without a written reason (issue 10: small files
// with one idea). A file may be longer only when one of its first lines is a comment
// `// Over 400 lines because: <reason>`, so the reason is read by whoever opens the file.
// Usage: node scripts/check-file-size.mjs [root]   (root defaults to the repository).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAX_LINES = 400;
export const MARKER = '// Over 400 lines because:';
// How far down the marker may stand: a license or a one-line summary may come first.
const MARKER_WITHIN = 5;
// Whole folders that hold source, and folders whose own files count but whose subfolders do not
// (proto/ holds generated code below it).
const DEEP = ['engine', 'master', 'worker', 'client', 'cli', 'infra', 'bench', 'scripts'];
const SHALLOW = ['proto'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const TEST = /\.test\.[cm]?[jt]s$/;

function sourceFiles(dir, deep) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (name === 'node_modules' || name === 'generated') return [];
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return deep ? sourceFiles(p, true) : [];
    return SOURCE.test(name) && !TEST.test(name) ? [p] : [];
  });
}

function hasReason(lines) {
  return lines.slice(0, MARKER_WITHIN).some((line) => {
    const t = line.trim();
    return t.startsWith(MARKER) && t.slice(MARKER.length).trim().length > 0;
  });
}

/** The files under root over MAX_LINES lines without the marker, as paths relative to root. */
export function oversizedFiles(root) {
  const files = [...DEEP.map((d) => [d, true]), ...SHALLOW.map((d) => [d, false])].flatMap(([d, deep]) =>
    sourceFiles(join(root, d), deep),
  );
  const out = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    // A final newline does not make another line.
    const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
    if (count > MAX_LINES && !hasReason(lines)) out.push({ file: relative(root, file), lines: count });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
  const bad = oversizedFiles(root);
  for (const { file, lines } of bad) {
    console.error(`${file}: ${lines} lines (over ${MAX_LINES}); split it, or say why at its top with "${MARKER} ..."`);
  }
  process.exitCode = bad.length > 0 ? 1 : 0;
}
