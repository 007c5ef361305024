/**
 * `dialtone render` refuses bad input with one line and exit 1 before it starts an engine or a
 * browser. Bugs caught: a minute of rendering ending in "cannot write", an unknown scenario or lane
 * found only after the browser is up, a size, codec, microphone or lane count it cannot make
 * accepted silently.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const dir = mkdtempSync(join(tmpdir(), 'dialtone-render-cli-'));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // No browser anywhere: a check that launched one would fail differently.
    const child = spawn(BIN, ['render', ...args], {
      env: { ...process.env, DIALTONE_BROWSER: '/nonexistent/chrome' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const out = join(dir, 'race.webm');

describe('dialtone render: bad input', () => {
  it.each([
    [['--scenario', 'nope', '--out', out], /dialtone render: .*nope/],
    [['--scenario', 'goodbye', '--lane', 'warp:9', '--out', out], /dialtone render: .*warp/],
    [['--scenario', 'goodbye', '--size', '640x480', '--out', out], /--size must be 1920x1080 or 1080x1920/],
    [['--scenario', 'goodbye', '--mic', 'default', '--out', out], /--mic can only be "none"/],
    [['--scenario', 'goodbye', '--codec', 'h264', '--out', out], /--codec must be vp9 or vp8 \(got "h264"\)/],
    [
      ['--scenario', 'goodbye', '--max-turns', '0', '--out', out],
      /--max-turns must be a number from 1 to 200/,
    ],
    [
      ['--scenario', 'goodbye', ...['a', 'b', 'c', 'd', 'e'].flatMap((l) => ['--lane', l]), '--out', out],
      /at most 4 --lane/,
    ],
    [['--scenario', 'goodbye', '--out', join(dir, 'missing', 'race.webm')], /folder .* does not exist/],
    [['--scenario', 'goodbye', '--out', join(dir, 'race.mp4')], /--out must name a \.webm file/],
    [['--scenario', 'goodbye'], /--out BASE\.webm is required/],
    [
      ['--scenario', 'goodbye', '--out', out],
      /DIALTONE_BROWSER=\/nonexistent\/chrome does not exist\. No Chromium found/,
    ],
  ])('%j', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});
