// One jest run for the whole monorepo. TypeScript is compiled by SWC (no type
// checking here: `pnpm typecheck` runs tsc first), which keeps runs fast and
// does not depend on the TypeScript compiler API.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};

module.exports = {
  testEnvironment: 'node',
  transform,
  testMatch: ['<rootDir>/{libs,services,deploy}/**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/deploy/local/kafka/'],
  globalSetup: '<rootDir>/libs/testkit/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testkit/src/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: false,
};
