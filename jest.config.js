// Jest runs the TypeScript sources as ESM through ts-jest (Prisma 7's client and chokidar 5 are
// ESM-only); `npm test` sets NODE_OPTIONS=--experimental-vm-modules for that.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // In-process tests run the TypeScript sources; the apps' `development` export condition says the same.
    '^@windmill/(api|cli|core|scheduler|watcher|worker)/(.*)$': '<rootDir>/apps/$1/src/$2',
  },
  // Child processes run the compiled build (apps/*/dist): build it first (incremental, fast when fresh).
  globalSetup: '<rootDir>/test/helpers/build.global-setup.mjs',
  testMatch: ['<rootDir>/apps/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '/bench/',
    // The image replay installs and builds a whole production tree (minutes): `npm run test:image`.
    ...(process.env.WINDMILL_TEST_IMAGE === '1' ? [] : ['/test/deploy/image-replay']),
  ],
  // Lets jest's CommonJS loader hand ESM-only packages to Fastify's plugins (see the file).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-esm-interop.ts'],
  // Integration tests share one Postgres and one Redis; each file uses its own database and
  // queue prefix, so files may run in parallel on the two cores.
  maxWorkers: 2,
  testTimeout: 60_000,
};
