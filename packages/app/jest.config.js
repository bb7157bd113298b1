module.exports = require('../../jest.preset.js')('app', { realServers: true });
