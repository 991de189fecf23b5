import '@windmill/core/platform/node-check';
import path from 'node:path';
import { GENERATE_USAGE, UsageError, parseGenerateArgs } from './generate-args.js';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';

// `npm run generate -- --out <dir> ...`: writes the sample data set and says what it wrote.
// Exit codes: 0 done, 1 failed while writing, 2 bad command line.

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseGenerateArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`generate: ${error.message}\n\n${GENERATE_USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(GENERATE_USAGE);
    return 0;
  }

  const started = performance.now();
  const dir = path.resolve(command.out);
  const result = await writeSampleData(dir, command.options, (file) => {
    process.stdout.write(`wrote ${file.path}  ${file.rows} rows  ${file.bytes} bytes\n`);
  });
  const seconds = (performance.now() - started) / 1000;
  const megabytes = result.bytes / 1_048_576;
  process.stdout.write(
    `total: ${result.files.length} files, ${result.rows} rows, ${megabytes.toFixed(1)} MiB in ${seconds.toFixed(2)} s to ${dir}\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`generate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
