// Jest runs the TypeScript sources as ESM through ts-jest (Prisma 7's client and chokidar 5 are
// ESM-only); the npm scripts set NODE_OPTIONS=--experimental-vm-modules for that.
//
// WINDMILL_TESTS picks the loop (the npm scripts set it):
//   unit   the pure tests beside the code (apps/**): seconds, no Postgres or Redis (npm run test:unit)
//   quick  unit + integration, without the slow suites of test/faults, test/dashboard and
//          test/e2e, which start processes, browsers or do real damage (npm run test:quick)
//   all    everything (npm test, and CI)
//   image  the Dockerfile replay alone (npm run test:image, CI)
const selection = process.env.WINDMILL_TESTS ?? 'all';
const SLOW = ['<rootDir>/test/faults/', '<rootDir>/test/dashboard/', '<rootDir>/test/e2e/'];
const IMAGE = '<rootDir>/test/deploy/image-replay';

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
  ...(selection === 'unit' ? {} : { globalSetup: '<rootDir>/test/helpers/build.global-setup.mjs' }),
  testMatch:
    selection === 'unit'
      ? ['<rootDir>/apps/**/*.test.ts']
      : selection === 'image'
        ? [`${IMAGE}*.test.ts`]
        : ['<rootDir>/apps/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/bench/', ...(selection === 'image' ? [] : [IMAGE]), ...(selection === 'quick' ? SLOW : [])],
  // Lets jest's CommonJS loader hand ESM-only packages to Fastify's plugins (see the file).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-esm-interop.ts'],
  // Integration tests share one Postgres and one Redis; each file uses its own database and
  // queue prefix, so files may run in parallel.
  maxWorkers: 2,
  testTimeout: 60_000,
};
