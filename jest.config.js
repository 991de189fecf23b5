// Jest runs the TypeScript sources as ESM through ts-jest (Prisma 7's client and chokidar 5 are
// ESM-only); `npm test` sets NODE_OPTIONS=--experimental-vm-modules for that.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/apps/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/bench/'],
  // Lets jest's CommonJS loader hand ESM-only packages to Fastify's plugins (see the file).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-esm-interop.ts'],
  // Integration tests share one Postgres and one Redis; each file uses its own database and
  // queue prefix, so files may run in parallel on the two cores.
  maxWorkers: 2,
  testTimeout: 60_000,
};
