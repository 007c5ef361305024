/**
 * `bin/dialtone render` when a lane fails mid-run, end to end through the command in real Chromium,
 * at the vertical size. Bugs caught: a failing lane throwing the whole recording away (the other
 * lane's race and the failure are the clip), exit 0 after a failure, the error spread over many
 * lines or printed before the JSON, `--size 1080x1920` not reaching the video, a key in the files.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWebm } from '../../src/main/video/webm';
import type { RunJson } from '../../src/shared/run-json';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const dir = mkdtempSync(join(tmpdir(), 'dialtone-render-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A port nothing listens on: one the system just gave out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, ['render', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dialtone render: a lane that fails mid-run', () => {
  it('still writes every file, vertical, names the failure in one last line and exits 1', async () => {
    const out = join(dir, 'short.webm');
    // A provider lane whose server is gone (a port just freed): its scripted opening plays, then its
    // first request fails.
    const failing = `openai-compatible:url=http://127.0.0.1:${await closedPort()}/v1,model=m,key=sk-render-secret`;
    const { code, stdout, stderr } = await run([
      '--scenario',
      'goodbye',
      '--lane',
      failing,
      '--lane',
      'fast',
      '--max-turns',
      '2',
      '--size',
      '1080x1920',
      '--out',
      out,
      '--json',
    ]);
    expect(code, stderr).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^dialtone render: 1 of 2 lanes stopped with an error \(the files are written\): \[openai-compatible:.*key=\*\*\*.*127\.0\.0\.1/,
    );

    // The JSON comes first, on stdout, whole.
    const printed = JSON.parse(stdout) as { video: string; width: number; height: number; run: RunJson };
    expect([printed.video, printed.width, printed.height]).toEqual([out, 1080, 1920]);
    expect(printed.run.lanes.map((l) => l.stoppedBy)).toEqual(['error', 'max-turns']);
    expect(printed.run.winner?.label).toBe('fast');

    for (const ext of ['webm', 'wav', 'vtt', 'srt', 'json'])
      expect(existsSync(join(dir, `short.${ext}`))).toBe(true);
    const video = readWebm(readFileSync(out)).tracks.find((t) => t.kind === 'video')!;
    expect([video.width, video.height]).toEqual([1080, 1920]);
    // The fast lane's two lines are captioned; the failed lane's opening too, if it was spoken.
    const vtt = readFileSync(join(dir, 'short.vtt'), 'utf8');
    expect(vtt.match(/\(fast\): /g)).toHaveLength(2);
    for (const ext of ['json', 'vtt', 'srt']) {
      expect(readFileSync(join(dir, `short.${ext}`), 'utf8')).not.toContain('sk-render-secret');
    }
    expect(stdout + stderr).not.toContain('sk-render-secret');
  }, 120_000);
});
