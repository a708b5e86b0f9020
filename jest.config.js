/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // One moto server for the whole run (or CI's, via MOTO_ENDPOINT); see test/support/moto/.
  globalSetup: '<rootDir>/test/support/moto/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/moto/global-teardown.ts',
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  // .js must match too: ESM-only dependencies (ky, middy) are compiled by swc.
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest'] },
  transformIgnorePatterns: ['/node_modules/(?!(ky|@middy|@seriousme)/)'],
  testTimeout: 30000,
};
