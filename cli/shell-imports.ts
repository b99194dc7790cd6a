/**
 * Static `import` statements as the REPL can run them. A REPL evaluates scripts, where `import`
 * is a syntax error, so `kindling shell` rewrites each import line into declarations: from a
 * module the shell has already loaded (`kindling`) when it names one, else from `await
 * import(...)`. TypeScript's type-only imports disappear. Declarations are `var`, so pasting the
 * same import twice, or importing a name the shell binds already (`F`), is no error.
 */

/** What a rewritten import reads a module from: an expression that evaluates to its namespace. */
export type ModuleSource = (specifier: string) => string;

const IMPORT = /^([ \t]*)import\b(?!\s*\()(?!\s*\.)([^'";]*?)(['"])([^'"\n]+)\3[ \t]*;?/gm;

/** `code` with every static import statement (one per line, as typed in a REPL) rewritten. */
export function rewriteImports(code: string, source: ModuleSource): string {
  return code.replace(IMPORT, (whole, indent: string, clause: string, _quote: string, specifier: string) => {
    const declaration = importDeclaration(clause.trim(), specifier, source);
    return declaration === undefined ? whole : `${indent}${declaration}`;
  });
}

/** The declarations of one import, or undefined when the clause is not an import's (left to the REPL). */
function importDeclaration(clause: string, specifier: string, source: ModuleSource): string | undefined {
  const from = source(specifier);
  if (clause === '') return `${from};`;
  const body = /^(.*?)\s*from$/s.exec(clause)?.[1]?.trim();
  if (body === undefined) return undefined;
  if (/^type\s/.test(body)) return '';
  const m = /^(?:([A-Za-z_$][\w$]*)\s*(?:,\s*|$))?(?:\*\s*as\s+([A-Za-z_$][\w$]*)|\{([^}]*)\})?$/s.exec(body);
  if (m === null) return undefined;
  const [, defaultName, namespace, named] = m;
  const bindings: string[] = [];
  if (defaultName !== undefined) bindings.push(`default: ${defaultName}`);
  for (const spec of (named ?? '').split(',')) {
    const s = spec.trim();
    if (s === '' || /^type\s/.test(s)) continue;
    const parts = /^([\w$]+|'[^']*'|"[^"]*")(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(s);
    if (parts === null) return undefined;
    const [, imported, local] = parts;
    bindings.push(local === undefined ? (imported as string) : `${imported}: ${local}`);
  }
  if (namespace !== undefined) {
    return bindings.length === 0 ? `var ${namespace} = ${from};` : `var ${namespace} = ${from}, { ${bindings.join(', ')} } = ${namespace};`;
  }
  return bindings.length === 0 ? `${from};` : `var { ${bindings.join(', ')} } = ${from};`;
}
