/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // With isolatedModules (tsconfig.json) ts-jest only transpiles, decorator metadata included; type checking
    // is `npm run typecheck`'s job.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // loopback-only refuses every connection that would leave the machine: tests talk to the stand-ins in dev/ only.
  setupFiles: ['reflect-metadata', '<rootDir>/test/support/loopback-only.ts'],
  // Fails a test that armed an emulator fault the gateway never hit (see test/support/served-faults.ts).
  setupFilesAfterEnv: ['<rootDir>/test/support/after-each-served-faults.ts'],
  testTimeout: 20000,
};
