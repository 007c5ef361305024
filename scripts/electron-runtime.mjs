/**
 * How `npm start` decides between the Electron window and web mode.
 *
 * Electron ≥ 42 ships no runtime in its npm package and has no postinstall: on first launch its
 * index.js (what `require('electron')` returns) runs the package's install.js, which downloads the
 * runtime zip from GitHub (or ELECTRON_MIRROR) into node_modules/electron/dist and writes path.txt.
 * Offline, that throws with a stack trace. So this module checks for the runtime the same way
 * index.js does, but without triggering a download; runs install.js itself, capturing its stack
 * trace; and, if that fails, explains in one paragraph and falls back to web mode.
 *
 * Plain ESM JavaScript so `npm start` needs no build; types in electron-runtime.d.mts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The installed electron package's folder (node_modules/electron), or null if it is not installed. */
export function findElectronPackage(projectRoot) {
  try {
    return dirname(createRequire(join(projectRoot, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** Mirrors node_modules/electron/index.js (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH), minus the download. */
export function electronRuntimeStatus(electronDir, env = process.env) {
  const pathFile = join(electronDir, 'path.txt');
  const relativePath = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  let executablePath = null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    executablePath = join(env.ELECTRON_OVERRIDE_DIST_PATH, relativePath || 'electron');
  } else if (relativePath) {
    executablePath = join(electronDir, 'dist', relativePath);
  }
  return { installed: executablePath !== null && existsSync(executablePath), executablePath };
}

/** The one line of an installer's stderr worth showing: the error message, not its stack. */
export function summarizeInstallError(stderr) {
  const lines = String(stderr ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '));
  const first = lines[0];
  if (!first) return 'the installer exited with an error';
  return first.replace(/^[A-Za-z]*Error:\s*/, '') || first;
}

/**
 * Runs electron's own installer, showing its progress on stdout and keeping its stderr (a stack
 * trace when offline) to summarize. `run` is spawnSync; tests inject a fake.
 */
export function downloadElectronRuntime(electronDir, { env = process.env, run = spawnSync } = {}) {
  const installer = join(electronDir, 'install.js');
  if (!existsSync(installer)) return { ok: false, detail: `${installer} is missing` };
  const result = run(process.execPath, [installer], {
    stdio: ['ignore', 'inherit', 'pipe'],
    env,
    encoding: 'utf8',
  });
  if (result.error) return { ok: false, detail: result.error.message };
  if (result.status === 0) return { ok: true, detail: '' };
  return { ok: false, detail: summarizeInstallError(result.stderr) };
}

/** The paragraph `npm start` prints when the runtime cannot be had. */
export function runtimeUnavailableMessage({ version, detail }) {
  return [
    `Dialtone's desktop window needs Electron's runtime, which Electron${version ? ` ${version}` : ''} downloads once,`,
    `on first launch, from the internet (GitHub, or ELECTRON_MIRROR if set) into node_modules/electron/dist.`,
    `That download failed here (${detail}).`,
    `Run \`npm start\` again on a connection that can reach the internet and the window will open.`,
    `Web mode works now, with the same engine and interface in any browser: starting \`bin/dialtone web\`;`,
    `open the address it prints. (DIALTONE_NO_ELECTRON=1 npm start goes straight to web mode.)`,
  ]
    .join(' ')
    .replace(/\s+/g, ' ');
}

export const NO_DISPLAY_MESSAGE =
  'No display is available (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop window cannot open ' +
  'here. Web mode works: starting `bin/dialtone web`; open the address it prints from a browser.';

/**
 * Decides what `npm start` launches. Returns `{ mode: 'electron', executablePath }` or
 * `{ mode: 'web', message }` (message: null when web mode was asked for).
 */
export function chooseFrontEnd({
  projectRoot,
  env = process.env,
  platform = process.platform,
  download = downloadElectronRuntime,
}) {
  if (env.DIALTONE_NO_ELECTRON === '1') return { mode: 'web', message: null };

  const electronDir = findElectronPackage(projectRoot);
  if (!electronDir) {
    return {
      mode: 'web',
      message: runtimeUnavailableMessage({
        version: undefined,
        detail: 'the electron package is not installed; run `npm install`',
      }),
    };
  }
  const version = readVersion(electronDir);

  let status = electronRuntimeStatus(electronDir, env);
  if (!status.installed) {
    console.error(`Electron ${version}'s runtime is not downloaded yet; fetching it once (about 100 MB)…`);
    const result = download(electronDir, { env });
    status = electronRuntimeStatus(electronDir, env);
    if (!result.ok || !status.installed) {
      const detail = result.ok
        ? `no runtime at ${status.executablePath ?? 'node_modules/electron/dist'}`
        : result.detail;
      return { mode: 'web', message: runtimeUnavailableMessage({ version, detail }) };
    }
  }

  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { mode: 'web', message: NO_DISPLAY_MESSAGE };
  }
  return { mode: 'electron', executablePath: status.executablePath };
}

function readVersion(electronDir) {
  try {
    return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
