import { EXIT, INGEST_USAGE, parseIngestArgs } from './ingest-args.js';

describe('npm run ingest arguments', () => {
  it('asks for help with --help or -h, wherever it stands', () => {
    expect(parseIngestArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseIngestArgs(['data', '-h'])).toEqual({ kind: 'help' });
  });

  it('takes files and folders, ignoring the -- npm passes through', () => {
    expect(parseIngestArgs(['--', 'a.csv', 'folder'])).toEqual({ kind: 'load', inputs: ['a.csv', 'folder'] });
  });

  it('refuses no input and unknown options', () => {
    expect(parseIngestArgs([])).toMatchObject({ kind: 'usage-error' });
    expect(parseIngestArgs(['--fast', 'a.csv'])).toEqual({ kind: 'usage-error', message: 'unknown option --fast' });
  });

  it('names the inputs, the settings that matter and every exit code in its help', () => {
    for (const text of ['<file.csv | folder>', 'DATABASE_URL', 'PARSE_THREADS', 'LOG_FORMAT', 'Exit codes'])
      expect(INGEST_USAGE).toContain(text);
    for (const code of Object.values(EXIT)) expect(INGEST_USAGE).toContain(`  ${code}  `);
  });
});
