import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/main/engine/audio/wav';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const dir = mkdtempSync(join(tmpdir(), 'dialtone-say-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env, OPENAI_API_KEY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each case spawns the CLI through tsx: seconds apiece on a busy 2-core machine.
describe('dialtone say', { timeout: 90_000 }, () => {
  it('writes a valid WAV and prints the contract JSON', async () => {
    const out = join(dir, 'hello.wav');
    const r = await run(['say', 'Hello there, this is Dialtone speaking.', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(json.sampleRate).toBe(22_050);
    expect(json.firstAudioMs).toBeGreaterThan(0);
    expect(json.audioMs).toBeGreaterThan(1500);
    const wav = decodeWav(readFileSync(out), out);
    expect(wav.sampleRate).toBe(22_050);
    expect(wav.channels).toBe(1);
    expect((wav.samples.length / wav.sampleRate) * 1000).toBeCloseTo(json.audioMs as number, 0);
    expect(Math.max(...wav.samples.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('takes a voice from --tts, and reports zero audio for empty text', async () => {
    const out = join(dir, 'empty.wav');
    const r = await run(['say', '  ', '--out', out, '--tts', 'espeak:voice=en-gb-f', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ firstAudioMs: null, audioMs: 0, sampleRate: 22_050 });
    expect(decodeWav(readFileSync(out), out).samples.length).toBe(0);
  });

  it('bad input: one line, exit 1', async () => {
    const cases = [
      ['say', 'hi'],
      ['say', 'hi', '--out', join(dir, 'x.wav'), '--tts', 'openai'],
      ['say', 'hi', '--out', join(dir, 'x.wav'), '--tts', 'festival'],
      ['say', 'hi', '--out', join(dir, 'no', 'such', 'dir.wav')],
    ];
    const results = await Promise.all(cases.map(run));
    for (const [i, args] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(/^dialtone say: /);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    }
  });
});
