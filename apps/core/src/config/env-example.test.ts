import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, parseConfig } from '@windmill/core/config/config';

const example = readFileSync(path.resolve(import.meta.dirname, '../../../../.env.example'), 'utf8');
const entries = Object.fromEntries(
  example
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

describe('.env.example', () => {
  it('documents every setting the configuration schema reads, and no other', () => {
    expect(Object.keys(entries).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('shows the real defaults', () => {
    const defaults = parseConfig({}, '/');
    const fromExample = parseConfig(entries, '/');
    expect(fromExample).toEqual(defaults);
  });
});
