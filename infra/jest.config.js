// infra/.cache holds a Debian rootfs tarball and .debs; infra/.image build records: nothing for jest.
module.exports = {
  ...require('../jest.preset.js')('infra'),
  modulePathIgnorePatterns: ['<rootDir>/.cache/', '<rootDir>/.image/'],
};
