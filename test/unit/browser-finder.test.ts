/**
 * The E2E suite's browser finder. Pins the bug where a fresh machine without a system Chromium
 * fails every browser test although `npm install` brought one, and where DIALTONE_BROWSER or a
 * system browser loses to a fallback.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  extractTar,
  findBrowser,
  NO_BROWSER,
  NPM_CHROMIUM,
  systemBrowserPaths,
} from '../../src/main/testing/browser';

const npmChoice = { executablePath: '/tmp/chromium', source: NPM_CHROMIUM, env: { LD_LIBRARY_PATH: '/l' } };

function finder(present: string[], env: Record<string, string> = {}, platform: NodeJS.Platform = 'linux') {
  const npmChromium = vi.fn(() => Promise.resolve(npmChoice));
  const find = () =>
    findBrowser({
      env,
      platform,
      arch: 'x64',
      exists: (path) => present.includes(path),
      playwrightPath: () => '/pw/chrome',
      npmChromium,
    });
  return { find, npmChromium };
}

describe('findBrowser', () => {
  it('takes DIALTONE_BROWSER first, and says so when it is wrong', async () => {
    const { find } = finder(['/opt/chrome', '/usr/bin/chromium'], { DIALTONE_BROWSER: '/opt/chrome' });
    expect((await find()).executablePath).toBe('/opt/chrome');
    await expect(finder([], { DIALTONE_BROWSER: '/nope' }).find()).rejects.toThrow(/DIALTONE_BROWSER=\/nope/);
  });

  it('prefers a system browser, then playwright-core’s, then the npm Chromium', async () => {
    expect(await finder(['/usr/bin/chromium', '/pw/chrome']).find()).toMatchObject({ source: 'system' });
    expect(await finder(['/pw/chrome']).find()).toMatchObject({ source: 'playwright' });
    const { find, npmChromium } = finder([]);
    expect(await find()).toEqual(npmChoice);
    expect(npmChromium).toHaveBeenCalledTimes(1);
  });

  it('DIALTONE_BROWSER=npm skips the system browsers', async () => {
    expect(await finder(['/usr/bin/chromium'], { DIALTONE_BROWSER: 'npm' }).find()).toEqual(npmChoice);
  });

  it('looks for the npm Chromium on Linux x64 only, and otherwise explains', async () => {
    const { find, npmChromium } = finder([], {}, 'darwin');
    await expect(find()).rejects.toThrow(NO_BROWSER);
    expect(npmChromium).not.toHaveBeenCalled();
  });

  it('knows Chrome and Edge on Windows and macOS', async () => {
    const windows = systemBrowserPaths('win32', { PROGRAMFILES: 'C:\\Program Files' });
    expect(windows).toContain('C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe');
    const edge = 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe';
    expect((await finder([edge], { ProgramFiles: 'C:\\Program Files' }, 'win32').find()).executablePath).toBe(
      edge,
    );
    expect(systemBrowserPaths('darwin', { HOME: '/Users/a' })).toEqual(
      expect.arrayContaining([
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/Users/a/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      ]),
    );
  });
});

describe('extractTar', () => {
  it('unpacks what tar packed, and refuses paths that climb out', () => {
    const root = mkdtempSync(join(tmpdir(), 'dialtone-tar-'));
    mkdirSync(join(root, 'src', 'lib'), { recursive: true });
    writeFileSync(join(root, 'src', 'lib', 'libx.so'), Buffer.alloc(700, 7));
    const tar = execFileSync('tar', ['--format=ustar', '-cf', '-', '-C', join(root, 'src'), 'lib']);
    extractTar(tar, join(root, 'out'));
    expect(readFileSync(join(root, 'out', 'lib', 'libx.so'))).toEqual(Buffer.alloc(700, 7));

    const evil = Buffer.from(tar);
    evil.write('../x\0', 0);
    expect(() => extractTar(evil, join(root, 'out2'))).toThrow(/refusing/);
  });
});
