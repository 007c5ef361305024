/**
 * `npm start`'s choice between the Electron window and web mode (scripts/electron-runtime.mjs), and
 * the real fallback when Electron's runtime cannot be downloaded — what happens on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  chooseFrontEnd,
  downloadElectronRuntime,
  electronRuntimeStatus,
  NO_DISPLAY_MESSAGE,
  summarizeInstallError,
  type Download,
} from '../../scripts/electron-runtime.mjs';

const ROOT = join(__dirname, '..', '..');
const OFFLINE_STACK = `TypeError: fetch failed
    at node:internal/deps/undici/undici:14976:13
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async FetchDownloader.download (file:///x/node_modules/@electron/get/dist/FetchDownloader.js:46:30)`;

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-start-'));
  temps.push(dir);
  return dir;
}

/** A project whose node_modules/electron looks like electron 45's package before its first launch. */
function fakeProject(): { root: string; electronDir: string } {
  const root = tempDir();
  writeFileSync(join(root, 'package.json'), '{"name":"fake"}');
  const electronDir = join(root, 'node_modules', 'electron');
  mkdirSync(electronDir, { recursive: true });
  writeFileSync(
    join(electronDir, 'package.json'),
    '{"name":"electron","version":"45.5.0","main":"index.js"}',
  );
  writeFileSync(join(electronDir, 'index.js'), 'throw new Error("must not be required: it downloads");');
  return { root, electronDir };
}

function installRuntime(electronDir: string): string {
  mkdirSync(join(electronDir, 'dist'), { recursive: true });
  writeFileSync(join(electronDir, 'path.txt'), 'electron');
  const executable = join(electronDir, 'dist', 'electron');
  writeFileSync(executable, '');
  return executable;
}

beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('finding Electron’s runtime', () => {
  it('is missing before the first launch, present once path.txt and dist/ exist', () => {
    const { electronDir } = fakeProject();
    expect(electronRuntimeStatus(electronDir, {})).toEqual({ installed: false, executablePath: null });
    const executable = installRuntime(electronDir);
    expect(electronRuntimeStatus(electronDir, {})).toEqual({ installed: true, executablePath: executable });
    rmSync(executable);
    expect(electronRuntimeStatus(electronDir, {}).installed).toBe(false);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron’s index.js', () => {
    const { electronDir } = fakeProject();
    const override = tempDir();
    expect(electronRuntimeStatus(electronDir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({
      installed: false,
      executablePath: join(override, 'electron'),
    });
    writeFileSync(join(override, 'electron'), '');
    expect(electronRuntimeStatus(electronDir, { ELECTRON_OVERRIDE_DIST_PATH: override }).installed).toBe(
      true,
    );
  });

  it('keeps the installer’s message and drops its stack trace', () => {
    expect(summarizeInstallError(OFFLINE_STACK)).toBe('fetch failed');
    expect(summarizeInstallError('HTTPError: Response code 404 (Not Found)\n    at x')).toBe(
      'Response code 404 (Not Found)',
    );
    expect(summarizeInstallError('')).toBe('the installer exited with an error');
  });

  it('runs the package’s own installer and reports one line when it fails', () => {
    const { electronDir } = fakeProject();
    writeFileSync(
      join(electronDir, 'install.js'),
      `console.error(${JSON.stringify(OFFLINE_STACK)}); process.exit(1);`,
    );
    expect(downloadElectronRuntime(electronDir, { env: {} })).toEqual({ ok: false, detail: 'fetch failed' });

    writeFileSync(join(electronDir, 'install.js'), 'process.exit(0);');
    expect(downloadElectronRuntime(electronDir, { env: {} })).toEqual({ ok: true, detail: '' });
    expect(downloadElectronRuntime(tempDir(), { env: {} }).ok).toBe(false);
  });
});

describe('choosing the front end', () => {
  const offline: Download = () => ({ ok: false, detail: 'fetch failed' });

  it('DIALTONE_NO_ELECTRON=1 goes straight to web mode, without a download', () => {
    const download = vi.fn(offline);
    const { root } = fakeProject();
    expect(chooseFrontEnd({ projectRoot: root, env: { DIALTONE_NO_ELECTRON: '1' }, download })).toEqual({
      mode: 'web',
      message: null,
    });
    expect(download).not.toHaveBeenCalled();
  });

  it('falls back to web mode with one paragraph when the download fails', () => {
    const { root } = fakeProject();
    const choice = chooseFrontEnd({
      projectRoot: root,
      env: { DISPLAY: ':0' },
      platform: 'linux',
      download: offline,
    });
    expect(choice.mode).toBe('web');
    const message = choice.mode === 'web' ? (choice.message ?? '') : '';
    expect(message).toContain('Electron 45.5.0');
    expect(message).toContain('fetch failed');
    expect(message).toContain('internet');
    expect(message).toContain('bin/dialtone web');
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/\bat \S+:\d+/);
  });

  it('downloads once, then launches the runtime it got', () => {
    const { root, electronDir } = fakeProject();
    const download = vi.fn<Download>((dir) => {
      installRuntime(dir);
      return { ok: true, detail: '' };
    });
    expect(chooseFrontEnd({ projectRoot: root, env: {}, platform: 'darwin', download })).toEqual({
      mode: 'electron',
      executablePath: join(electronDir, 'dist', 'electron'),
    });
    expect(download).toHaveBeenCalledTimes(1);
    expect(chooseFrontEnd({ projectRoot: root, env: {}, platform: 'darwin', download }).mode).toBe(
      'electron',
    );
    expect(download).toHaveBeenCalledTimes(1);
  });

  it('a download that claims success but leaves no runtime still falls back', () => {
    const { root } = fakeProject();
    const choice = chooseFrontEnd({
      projectRoot: root,
      env: {},
      platform: 'win32',
      download: () => ({ ok: true, detail: '' }),
    });
    expect(choice.mode).toBe('web');
  });

  it('on Linux without a display, starts web mode instead of crashing Electron', () => {
    const { root, electronDir } = fakeProject();
    installRuntime(electronDir);
    expect(chooseFrontEnd({ projectRoot: root, env: {}, platform: 'linux', download: offline })).toEqual({
      mode: 'web',
      message: NO_DISPLAY_MESSAGE,
    });
    expect(
      chooseFrontEnd({ projectRoot: root, env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' }).mode,
    ).toBe('electron');
  });

  it('says to run npm install when the electron package is missing', () => {
    const root = tempDir();
    writeFileSync(join(root, 'package.json'), '{"name":"bare"}');
    const choice = chooseFrontEnd({ projectRoot: root, env: {}, download: offline });
    expect(choice.mode === 'web' && choice.message).toMatch(/npm install/);
  });
});

describe('npm start on a machine that cannot download Electron', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    // The launcher runs in its own process group: end it and the web server it started.
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    child = undefined;
  });

  it('prints one paragraph, no stack trace, and serves web mode', async () => {
    const emptyDist = tempDir();
    const emptyCache = tempDir();
    // An unreachable mirror and empty cache make the download fail fast on any machine, with or
    // without internet, and the override keeps a real runtime in node_modules out of the way.
    const env = {
      ...process.env,
      DIALTONE_NO_ELECTRON: '',
      ELECTRON_OVERRIDE_DIST_PATH: emptyDist,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      npm_config_electron_mirror: 'http://127.0.0.1:9/',
      electron_config_cache: emptyCache,
    };
    const started = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
      cwd: ROOT,
      env,
      detached: true,
    });
    child = started;
    let stdout = '';
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      started.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Dialtone web: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      started.on('exit', (code) => reject(new Error(`npm start exited ${code}:\n${stderr}`)));
    });

    expect(stderr).toContain("Dialtone's desktop window needs Electron's runtime");
    expect(stderr).toContain('Web mode works now');
    expect(stderr).not.toMatch(/^\s+at /m);
    const page = await fetch(url);
    expect(page.status).toBe(200);
  }, 120_000);
});
