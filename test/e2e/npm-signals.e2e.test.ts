import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { connect } from 'node:net';
import { CHALLENGE_DIR, REPO_ROOT } from '../helpers/paths.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A process supervisor signals the PID it started, which for `npm start` is npm itself, not the
 * app. The app must still stop cleanly and free its port: npm forwards the signal to its script,
 * and the scripts `exec` node so that the shell in between does not swallow it.
 */

async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    if (new RegExp(`^PPid:\\s+${pid}$`, 'm').test(status)) found.push(Number(entry));
  }
  return found;
}

const alive = async (pid: number) => (await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null)) !== null;

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** npm in a process group of its own (as a shell runs a command), so the group can be signalled as a terminal does. */
function runNpm(script: string, env: Record<string, string>): { npm: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const npm = spawn('npm', ['run', '--silent', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npm.stdout!.on('data', (d) => (output += String(d)));
  npm.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  return { npm, output: () => output, exited };
}

const START = { script: 'start', ready: /windmill is running/, settings: {} as Record<string, string> };
// The demo prints its summary after the first stats run: a short interval gets it there sooner.
const DEMO = { script: 'demo', ready: /first statistics are in/, settings: { STATS_INTERVAL_SECONDS: '2' } };

describe.each([
  { ...START, signal: 'SIGTERM' as const, to: 'npm' as const },
  { ...DEMO, signal: 'SIGINT' as const, to: 'npm' as const },
  // Ctrl-C in a terminal: npm and the app both get SIGINT, and npm passes its own on, so the app
  // sees two at once. That is still one request to stop cleanly, not an impatient second one.
  { ...DEMO, signal: 'SIGINT' as const, to: 'the process group (Ctrl-C)' as const },
])('npm run $script, stopped with $signal sent to $to', ({ script, signal, to, ready, settings }) => {
  let env: PipelineEnv;

  beforeAll(async () => {
    env = await createPipelineEnv(`signals_${script}_${to === 'npm' ? 'npm' : 'group'}`, {
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      API_PORT: '0',
      ...settings,
    });
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('stops the app, frees its port and exits 0', async () => {
    const run = runNpm(script, env.env);
    await waitFor(`npm run ${script} to be ready`, () => ready.test(run.output()), 120_000);
    const url = /http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output());
    expect(url).not.toBeNull();
    const port = Number(url![1]);
    expect(await portAnswers(port)).toBe(true);
    if (script === 'demo') {
      // After its summary the demo tells about every file dropped into its inbox.
      await copyFile(path.join(CHALLENGE_DIR, 'data_group_1.csv'), path.join(env.dirs.watch, 'dropped-later.csv'));
      await waitFor(
        'the demo to tell about the dropped file',
        () => /loaded\s+dropped-later\.csv: 3720 lines, 3720 loaded/.test(run.output()),
        30_000,
      );
      expect(run.output()).toMatch(new RegExp(`dropped-later\\.csv: .*http://127\\.0\\.0\\.1:${port}/#/files/\\d+/rejections`));
    }
    const [app] = await childrenOf(run.npm.pid!);
    expect(app).toBeDefined();
    expect(await readFile(`/proc/${app}/cmdline`, 'utf8')).toContain(`apps/cli/dist/${script}.main.js`);

    if (to === 'npm') run.npm.kill(signal);
    else process.kill(-run.npm.pid!, signal);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/"clean":true,"msg":"stopped"/);
    expect(run.output()).not.toMatch(/second signal/);
    await waitFor('the app to exit', async () => !(await alive(app!)), 30_000);
    expect(await portAnswers(port)).toBe(false);
  }, 180_000);
});
