import { createHeadScanner } from '@windmill/core/domain/file-head';

const GREENBYTE = [
  '# This file was exported by Greenbyte at 2021-04-26 10:10:10.',
  '# ',
  '# Turbine: Kelmarsh 1',
  '# Time zone: UTC',
  '# ',
  '# Date and time,Wind speed (m/s),Power (kW)',
  '2016-01-03 00:00:00,5.1,1000',
  '2016-01-03 00:10:00,5.2,1010',
  '',
].join('\n');

function scanAll(text: string, rules: Parameters<typeof createHeadScanner>[0], pieces = 1) {
  const scanner = createHeadScanner(rules);
  const size = Math.ceil(text.length / pieces);
  for (let at = 0; at < text.length; at += size) {
    const result = scanner.push(text.slice(at, at + size));
    if (result.done !== false) return result;
  }
  return scanner.end();
}

describe('createHeadScanner', () => {
  const greenbyte = { skipLines: 0, commentPrefix: '#', headerPrefix: '# ' };

  it('finds a Greenbyte header as the last prefixed comment line, whatever the chunking', () => {
    for (const pieces of [1, 3, GREENBYTE.length]) {
      const result = scanAll(GREENBYTE, greenbyte, pieces);
      expect(result).toEqual({
        done: true,
        head: {
          preamble: GREENBYTE.split('\n').slice(0, 5),
          header: 'Date and time,Wind speed (m/s),Power (kW)',
          headerLine: 6,
          rest: expect.stringMatching(/^2016-01-03 00:00:00,5.1,1000\n/),
        },
      });
    }
  });

  it('takes a header-only file whose header is its last line', () => {
    const text = GREENBYTE.split('\n').slice(0, 6).join('\r\n');
    const result = scanAll(text, greenbyte);
    expect(result.done === true && result.head.headerLine).toBe(6);
    expect(result.done === true && result.head.rest).toBe('');
  });

  it('skips lines, then comment lines, and takes the first other line as the header', () => {
    const text = 'Exported by X\r\n; site: A\r\n\r\n; more\r\ntime;power\r\n1;2\r\n';
    const result = scanAll(text, { skipLines: 1, commentPrefix: ';', headerPrefix: null });
    expect(result.done === true && result.head).toEqual({
      preamble: ['Exported by X', '; site: A', '', '; more'],
      header: 'time;power',
      headerLine: 5,
      rest: '1;2\r\n',
    });
  });

  it('with only a header prefix, takes the first line that has it', () => {
    const result = scanAll('junk\n## a,b\n1,2\n', { skipLines: 0, commentPrefix: null, headerPrefix: '## ' });
    expect(result.done === true && [result.head.header, result.head.headerLine]).toEqual(['a,b', 2]);
  });

  it('fails, naming the rules, when no header comes', () => {
    expect(scanAll('# a\n# b\n', { skipLines: 0, commentPrefix: '#', headerPrefix: null })).toEqual({
      done: 'failed',
      reason: 'no header line after the preamble (commentPrefix "#")',
    });
    expect(scanAll('# a\n1,2\n', { skipLines: 0, commentPrefix: '#', headerPrefix: '## ' })).toEqual({
      done: 'failed',
      reason: 'no header line starting with "## " (commentPrefix "#", headerPrefix "## ")',
    });
  });
});
