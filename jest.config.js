// One jest run for the whole monorepo. TypeScript is compiled by SWC (no type
// checking here: `pnpm typecheck` runs tsc first), which keeps runs fast and
// does not depend on the TypeScript compiler API.
const swc = (syntax) => ['@swc/jest', { jsc: { parser: { syntax }, target: 'es2022' }, module: { type: 'commonjs' } }];
const transform = {
  '^.+\\.ts$': swc('typescript'),
  // ESM-only dependencies (content-disposition under @fastify/static, cookie under light-my-request) are compiled to CommonJS
  // for jest; plain Node 20 loads them through require(esm).
  '^.+\\.js$': swc('ecmascript'),
};
const esmOnlyPackages = ['content-disposition', 'cookie'];

module.exports = {
  testEnvironment: 'node',
  transform,
  testMatch: ['<rootDir>/{libs,services,deploy}/**/test/**/*.test.ts'],
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${esmOnlyPackages.join('|')})[@/])`],
  testPathIgnorePatterns: ['/node_modules/', '/deploy/local/kafka/'],
  globalSetup: '<rootDir>/libs/testkit/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testkit/src/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: false,
};
