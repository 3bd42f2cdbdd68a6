/** Fault tests (`npm run test:faults`): real processes under load, killed and restarted. Not part of `npm test`. */
const { join } = require('node:path');
const rootDir = join(__dirname, '..', '..');
module.exports = {
  rootDir,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.fault-spec.ts'],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }] },
  moduleNameMapper: {
    '^@hihi/(contracts|config|common|infra|dto)$': '<rootDir>/libs/$1/src',
    '^@hihi/(contracts|config|common|infra|dto)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 300_000,
  slowTestThreshold: 120,
};
