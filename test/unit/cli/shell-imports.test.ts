import { describe, expect, it } from 'vitest';
import { rewriteImports } from '../../../cli/shell-imports.js';

const source = (specifier: string): string => (specifier === 'kindling' ? 'CLIENT' : `(await import('${specifier}'))`);
const rewrite = (code: string): string => rewriteImports(code, source);

describe('kindling shell import rewriting', () => {
  it('binds named, renamed, default and namespace imports from the module source', () => {
    expect(rewrite("import { SparkSession, functions as F } from 'kindling';")).toBe('var { SparkSession, functions: F } = CLIENT;');
    expect(rewrite('import * as K from "kindling"')).toBe('var K = CLIENT;');
    expect(rewrite("import fs from 'node:fs';")).toBe("var { default: fs } = (await import('node:fs'));");
    expect(rewrite("import fs, { join } from 'node:path'")).toBe("var { default: fs, join } = (await import('node:path'));");
    expect(rewrite("import fs, * as P from 'node:path'")).toBe("var P = (await import('node:path')), { default: fs } = P;");
    expect(rewrite("import 'node:os';")).toBe("(await import('node:os'));");
  });

  it('drops TypeScript type-only imports and type-only names', () => {
    expect(rewrite("import type { Row } from 'kindling';")).toBe('');
    expect(rewrite("import { type Row, Timestamp } from 'kindling';")).toBe('var { Timestamp } = CLIENT;');
  });

  it('rewrites each import line of a multi-line input and leaves other code alone', () => {
    const code = "  import { F } from 'kindling'\nconst x = await import('node:os');\nimport.meta;\nconst s = \"import { a } from 'b'\";";
    expect(rewrite(code)).toBe("  var { F } = CLIENT;\nconst x = await import('node:os');\nimport.meta;\nconst s = \"import { a } from 'b'\";");
  });

  it('leaves what is not an import clause to the REPL (its own SyntaxError)', () => {
    expect(rewrite("import { a b } from 'kindling'")).toBe("import { a b } from 'kindling'");
  });
});
