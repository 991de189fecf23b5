import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

/**
 * The browser the tests drive: the Chromium that `npm ci` brings (@sparticuz/chromium, the binary
 * and the few libraries it needs shipped brotli-compressed inside the npm package, no install
 * script), unpacked once per package version into node_modules/.cache. `CHROMIUM_PATH` names
 * another binary (a system Chromium) to use instead; nothing else is looked for.
 */

/** For a Chromium named by CHROMIUM_PATH: headless, offline, no sandbox (CI runs as root). */
const SYSTEM_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/**
 * Flags of the package's list (made for one page per serverless call) left out: in one process,
 * closing a browser context closes the whole browser, and the suites open several contexts
 * (measured); and the tests must see CORS and mixed-content rules enforced as a user's browser
 * does (test/dashboard/security-headers.e2e.test.ts).
 */
const LEFT_OUT = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);
const QUIET_FLAGS = [
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Unpacks the package's files with its own code, in a child process whose TMPDIR is a fresh
 * folder: the package writes to the temporary folder (`/tmp/chromium`, `/tmp/libGLESv2.so`, ...),
 * and re-uses whatever sits there, which in a shared /tmp another user or version may have put.
 * The libraries of al2023.tar.br (NSS, NSPR, expat) are unpacked too, so the binary needs none
 * from the system.
 */
const UNPACK = `
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium, { inflate } from '@sparticuz/chromium';
await chromium.executablePath();
// The package's folder holds bin/ beside the folder of its entry module.
const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.resolve('@sparticuz/chromium'))));
await inflate(path.join(packageDir, 'bin', 'al2023.tar.br'));
`;

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** The unpacked folder for this version of the package: unpacked now if it is not there yet. */
async function unpackedChromium(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const { version } = JSON.parse(await readFile(path.join(path.dirname(path.dirname(entry)), 'package.json'), 'utf8')) as {
    version: string;
  };
  const root = path.join(REPO_ROOT, 'node_modules/.cache/windmill-chromium');
  const dir = path.join(root, version);
  if (await exists(path.join(dir, 'chromium'))) return dir;

  // Two test files may get here at once: each unpacks into its own folder and renames it into
  // place, which succeeds for one; a half-unpacked folder is never seen under the final name.
  await mkdir(root, { recursive: true });
  const staging = await mkdtemp(path.join(root, `.unpacking-${version}-`));
  try {
    const env = { ...process.env, TMPDIR: staging, NODE_OPTIONS: '' };
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', UNPACK], { cwd: REPO_ROOT, env });
    // The package's fonts.conf names /tmp/fonts; this one names the unpacked fonts and nothing
    // of the machine's, so pages render alike on every machine, with or without system fonts.
    const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const fontsConf = `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${xml(path.join(dir, 'fonts'))}</dir>\n  <cachedir>${xml(path.join(dir, 'fonts-cache'))}</cachedir>\n</fontconfig>\n`;
    await writeFile(path.join(staging, 'windmill-fonts.conf'), fontsConf);
    await rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await exists(path.join(dir, 'chromium')))) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}

/** How to launch the test browser: CHROMIUM_PATH's binary if set, else the one from npm. */
export async function chromiumLaunchOptions(): Promise<LaunchOptions> {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!(await exists(override))) throw new Error(`CHROMIUM_PATH names no file: ${override} (unset it to use the Chromium from npm)`);
    return { executablePath: override, headless: true, args: SYSTEM_CHROMIUM_ARGS };
  }
  const dir = await unpackedChromium();
  const libraries = [path.join(dir, 'al2023/lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return {
    executablePath: path.join(dir, 'chromium'),
    headless: true,
    // The package's flags (headless shell, no zygote, SwiftShader for the GPU): the set it is built
    // and tested with (a launch without them was reported to hang).
    args: [...sparticuz.args.filter((flag) => !LEFT_OUT.has(flag)), ...QUIET_FLAGS],
    env: {
      ...process.env,
      LD_LIBRARY_PATH: libraries,
      FONTCONFIG_FILE: path.join(dir, 'windmill-fonts.conf'),
      // This build takes its language from the locale variables, and under C or POSIX (most CI
      // machines) reports `en-US@posix`, which the page's Intl calls refuse: a user's language instead.
      LANG: 'en_US.UTF-8',
      LC_ALL: 'en_US.UTF-8',
      LANGUAGE: 'en_US',
    } as Record<string, string>,
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch(await chromiumLaunchOptions());
}
