import path from 'node:path';

/** The repository root, and the public challenge data that stays beside the project in ../shared. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const CHALLENGE_DIR = path.resolve(REPO_ROOT, '../shared/data/challenge');
