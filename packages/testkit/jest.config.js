module.exports = require('../../jest.preset.js')('testkit', { realServers: true });
