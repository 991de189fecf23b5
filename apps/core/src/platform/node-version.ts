/**
 * The Node.js release Windmill needs, checked before anything else runs (node-check.ts): on an
 * older one the process would start and fail later in ways that do not say why (a missing API, a
 * dependency refusing its engine). package.json's `engines` and `.nvmrc` say the same for npm and
 * nvm; a unit test keeps the three in step.
 */
export const MIN_NODE_MAJOR = 24;

/** The line an older Node.js gets, or null when `version` (`process.version`, `v24.1.0`) is recent enough. */
export function nodeVersionProblem(version: string): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? Number.NaN);
  if (major >= MIN_NODE_MAJOR) return null;
  return (
    `Windmill needs Node.js ${MIN_NODE_MAJOR} or later (this is ${version}): ` +
    `run \`nvm use\` (it reads .nvmrc) or put a Node.js ${MIN_NODE_MAJOR} first on PATH; see the README's Troubleshooting`
  );
}

/** Stops the process with that line and exit code 1 on an older Node.js. */
export function exitUnlessSupportedNode(version: string = process.version): void {
  const problem = nodeVersionProblem(version);
  if (problem === null) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
