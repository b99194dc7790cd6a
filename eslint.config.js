import tseslint from 'typescript-eslint';

/**
 * Imports each top-level folder may not make: engine is shared and network-free; infra (Redis and
 * gRPC plumbing) serves only the roles and the CLI; the roles never import each other.
 */
const layer = (forbidden, extra = []) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...forbidden.map((dir) => ({
          regex: `(^|/)(\\.\\./)+${dir}/`,
          message: `this folder must not import from ${dir}/ (see ARCHITECTURE.md, "Layers")`,
        })),
        ...extra,
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'proto/generated/**', 'test/compat/**/.venv/**', '**/*.js', '**/*.mjs', 'vitest.config.ts'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-debugger': 'error',
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: layer(
      ['master', 'worker', 'client', 'cli', 'infra'],
      [
        { group: ['ioredis', '@grpc/*'], message: 'engine/ is network-free: Redis and gRPC live in infra/, master/ and worker/' },
        {
          group: ['node:net', 'net', 'node:http', 'http', 'node:https', 'https', 'node:http2', 'http2', 'node:dgram', 'dgram', 'node:tls', 'tls'],
          message: 'engine/ is network-free: sockets and HTTP live in master/ and worker/ (e.g. master/sources/socket-source.ts)',
        },
      ],
    ),
  },
  {
    // Tests wait on the condition itself (test/support/eventually.ts), never on a fixed sleep:
    // sleeps were the flaky runs. Timers live only in test/support.
    files: ['test/**/*.ts'],
    ignores: ['test/support/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['setTimeout', 'setInterval'].flatMap((name) => [
          { selector: `CallExpression[callee.name='${name}']`, message: `no ${name} in tests: wait on the condition with eventually() from test/support/eventually.ts (letTimePass() only when time passing is the point, withDeadline() for a deadline)` },
          { selector: `CallExpression[callee.property.name='${name}']`, message: `no ${name} in tests: wait on the condition with eventually() from test/support/eventually.ts` },
        ]),
        { selector: "CallExpression[callee.object.name='vi'][callee.property.name=/^wait(For|Until)$/]", message: 'one polling helper: eventually() from test/support/eventually.ts (vi.waitFor gives up after 1 s by default)' },
        { selector: "CallExpression[callee.property.name='waitForTimeout']", message: 'no fixed sleeps in tests: wait on the condition (eventually() or a playwright wait on the element)' },
      ],
      'no-restricted-imports': [
        'error',
        { paths: ['timers/promises', 'node:timers/promises', 'timers', 'node:timers'].map((name) => ({ name, message: 'no timers in tests: wait with eventually() from test/support/eventually.ts' })) },
      ],
    },
  },
  { files: ['infra/**/*.ts'], rules: layer(['master', 'worker', 'client', 'cli']) },
  { files: ['master/**/*.ts'], rules: layer(['worker', 'client', 'cli']) },
  { files: ['worker/**/*.ts'], rules: layer(['master', 'client', 'cli']) },
  { files: ['client/**/*.ts'], rules: layer(['master', 'worker', 'cli', 'infra'], [{ group: ['ioredis'], message: 'the client talks only Spark Connect' }]) },
);
