// Shared jest settings: swc transform (fast, no type-check — `typecheck` does that),
// sources of workspace packages via the @qraft/source export condition, JUnit per project.
const path = require('node:path');

/**
 * @param {string} projectName
 * @param {{ realServers?: boolean }} [options] realServers: the project's tests start nats-server, clickhouse-server
 *   or prometheus, which are installed (or their absence reported) before any test runs
 */
module.exports = (projectName, options = {}) => ({
  displayName: projectName,
  ...(options.realServers ? { globalSetup: require.resolve('./packages/testkit/src/ensure-test-servers.ts') } : {}),
  testEnvironment: 'node',
  // Tests start real servers and containers; jest's 5 s default is a start-up time, not a hang.
  testTimeout: 30_000,
  testEnvironmentOptions: { customExportConditions: ['@qraft/source', 'node', 'require', 'default'] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': [
      require.resolve('@swc/jest'),
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  reporters: [
    'default',
    [
      require.resolve('jest-junit'),
      {
        outputDirectory: path.join(__dirname, 'reports', 'junit'),
        outputName: `${projectName}.xml`,
        suiteName: projectName,
        addFileAttribute: 'true',
      },
    ],
  ],
});
