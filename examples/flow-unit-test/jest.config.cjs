// jest runs the built package (CommonJS), the way a jest user's project would load it.
const path = require('node:path');
const root = path.resolve(__dirname, '../..');

module.exports = {
  rootDir: __dirname,
  testMatch: ['**/*.jest.test.cjs'],
  transform: {},
  testEnvironment: 'node',
  moduleNameMapper: {
    '^handover-kit/testing$': path.join(root, 'dist/testing.cjs'),
    '^handover-kit$': path.join(root, 'dist/index.cjs'),
  },
};
