const preset = require('../../jest.preset.js')('health', { realServers: true });

module.exports = {
  ...preset,
  // Lazy `import('./x.js')` (ESM spelling that tsc requires under nodenext) resolves to x.ts in tests.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
