/** Jest for the Nest apps and libs: `unit` (specs beside the code) and `integration` (real processes). */
const moduleNameMapper = {
  '^@hihi/(contracts|config|common|infra|dto)$': '<rootDir>/libs/$1/src',
  '^@hihi/(contracts|config|common|infra|dto)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: true }],
};
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  moduleNameMapper,
};

module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      roots: ['<rootDir>/apps/gateway', '<rootDir>/apps/auth', '<rootDir>/apps/chat', '<rootDir>/libs'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      slowTestThreshold: 60,
    },
    {
      ...base,
      displayName: 'medium',
      roots: ['<rootDir>/test/medium'],
      testMatch: ['**/*.medium-spec.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/e2e/support/global-setup.ts',
      slowTestThreshold: 60,
    },
    {
      ...base,
      displayName: 'faults',
      roots: ['<rootDir>/test/faults'],
      testMatch: ['**/*.fault-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      slowTestThreshold: 120,
    },
  ],
};
