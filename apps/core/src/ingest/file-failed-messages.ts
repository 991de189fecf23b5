/**
 * The log messages of a file's final failure, one per way it ends. The demo tells every final
 * outcome in a line of its own (apps/cli/src/demo-feed.ts) and leaves these out of its log, so a
 * failed file is told once there; everywhere else they are logged as usual.
 */
export const FILE_FAILED_MESSAGES = {
  moved: 'file moved to the failed folder',
  leftInPlace: 'file failed and left in place',
  gaveUp: 'file failed: its job gave up',
} as const;
