import path from 'node:path';

/** The repository root, and the challenge's public sample data kept in the repository. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const CHALLENGE_DIR = path.join(REPO_ROOT, 'test/fixtures/challenge');
