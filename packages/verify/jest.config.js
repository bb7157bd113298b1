module.exports = require('../../jest.preset.js')('verify', { realServers: true });
