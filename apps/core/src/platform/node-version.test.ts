import { readFileSync } from 'node:fs';
import { MIN_NODE_MAJOR, nodeVersionProblem } from './node-version.js';

describe('the Node.js version check', () => {
  it('accepts the required major version and later ones', () => {
    for (const version of ['v24.0.0', 'v24.22.3', 'v25.1.0', 'v30.0.0-pre']) expect(nodeVersionProblem(version)).toBeNull();
  });

  it('refuses older ones in one line naming the version needed and the one running', () => {
    const problem = nodeVersionProblem('v20.20.2');
    expect(problem).toMatch(/^Windmill needs Node\.js 24 or later \(this is v20\.20\.2\): /);
    expect(problem).not.toContain('\n');
    expect(nodeVersionProblem('v23.11.0')).not.toBeNull();
    expect(nodeVersionProblem('v8.0.0')).not.toBeNull();
    expect(nodeVersionProblem('nonsense')).not.toBeNull();
  });

  it('says what package.json engines and .nvmrc say', () => {
    const root = new URL('../../../../', import.meta.url);
    const engines = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe(`>=${MIN_NODE_MAJOR}`);
    expect(readFileSync(new URL('.nvmrc', root), 'utf8').trim()).toBe(String(MIN_NODE_MAJOR));
    expect(readFileSync(new URL('.npmrc', root), 'utf8')).toMatch(/^engine-strict=true$/m);
  });
});
