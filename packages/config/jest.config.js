module.exports = require('../../jest.preset.js')('config', { realServers: true });
