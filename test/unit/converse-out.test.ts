/**
 * `dialtone converse --out race.wav`: the written WAV is the race as the listener heard it. Analysed
 * like a listener would (RMS over 10 ms windows, per channel), the silence between two lines equals
 * the run's gapMs within 50 ms — which fails if speech were placed at generation time or back to
 * back — and the fast lane (lane 1) is the left channel, the slow lane the right (fails if swapped).
 * Also: the winner line and the JSON `winner`, the note that speech is not played without --out, and
 * bad --out input refused in one line before any race starts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const dir = mkdtempSync(join(tmpdir(), 'dialtone-converse-out-'));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, ['converse', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The two channels of a 16-bit stereo WAV as written by encodeStereoWav (44-byte header). */
function channels(wav: Buffer): { rate: number; left: Float32Array; right: Float32Array } {
  expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
  expect(wav.readUInt16LE(20)).toBe(1); // PCM
  expect(wav.readUInt16LE(22)).toBe(2);
  expect(wav.readUInt16LE(34)).toBe(16);
  const frames = wav.readUInt32LE(40) / 4;
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = wav.readInt16LE(44 + i * 4) / 32768;
    right[i] = wav.readInt16LE(46 + i * 4) / 32768;
  }
  return { rate: wav.readUInt32LE(24), left, right };
}

/** Silent stretches (10 ms windows under −60 dBFS RMS) between sounds, ms, longer than `minMs`. */
function silences(samples: Float32Array, rate: number, minMs: number): number[] {
  const window = rate / 100;
  const quiet: boolean[] = [];
  for (let at = 0; at + window <= samples.length; at += window) {
    let sum = 0;
    for (let i = at; i < at + window; i++) sum += samples[i]! ** 2;
    quiet.push(Math.sqrt(sum / window) < 0.001);
  }
  const out: number[] = [];
  let start = quiet.indexOf(false); // leading silence is not between sounds
  for (let i = start; i < quiet.length; i++) {
    if (quiet[i] && !quiet[i - 1]) start = i;
    if (!quiet[i] && quiet[i - 1] && (i - start) * 10 > minMs) out.push((i - start) * 10);
  }
  return out;
}

interface Lane {
  label: string;
  totalMs: number;
  turns: { gapMs: number | null }[];
}

describe('dialtone converse --out', () => {
  it('writes the race as heard: silences equal each gap, fast left, slow right; names the winner', async () => {
    const out = join(dir, 'race.wav');
    // Gaps of ~0.7 s (fast) and ~1.6 s (slow) stand clear of the pauses inside a line (≤ 0.4 s).
    const fast = 'sim:tps=3000,ttft=600';
    const slow = 'sim:tps=3000,ttft=1400';
    const r = await run(
      ['--scenario', 'goodbye', '--lane', fast, '--lane', slow, '--max-turns', '4'].concat([
        '--out',
        out,
        '--json',
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      scenario: string;
      speech: boolean;
      lanes: Lane[];
      winner: { label: string; totalMs: number; marginMs: number; text: string };
      audio: { path: string; sampleRate: number };
    };
    expect(result).toMatchObject({
      scenario: 'goodbye',
      speech: true,
      audio: { path: out, sampleRate: 48_000 },
    });
    const [a, b] = result.lanes as [Lane, Lane];
    expect(result.winner).toMatchObject({ label: fast, totalMs: a.totalMs });
    expect(result.winner.marginMs).toBeCloseTo(b.totalMs - a.totalMs, 6);
    const line = `${fast} wins by ${((b.totalMs - a.totalMs) / 1000).toFixed(1)} s`;
    expect(result.winner.text).toBe(line);
    expect(r.stderr).toContain(`\n${line}\n`);
    expect(r.stderr).not.toMatch(/not played/);

    const { rate, left, right } = channels(readFileSync(out));
    expect(rate).toBe(48_000);
    for (const [channel, lane] of [
      [left, a],
      [right, b],
    ] as const) {
      const gaps = lane.turns.slice(1).map((t) => t.gapMs!);
      expect(gaps).toHaveLength(3);
      const heard = silences(channel, rate, 500);
      expect(heard, `gaps ${gaps.map(Math.round).join(', ')}`).toHaveLength(gaps.length);
      heard.forEach((ms, i) => expect(Math.abs(ms - gaps[i]!), `turn ${i + 1}`).toBeLessThanOrEqual(50));
    }
    // The WAV lasts as long as the slow lane's race (its audio ends last), give or take the start.
    expect((left.length * 1000) / rate).toBeGreaterThan(b.totalMs - 1_000);
  }, 90_000);

  it('says the speech is not played without --out, and a one-lane race says its time', async () => {
    const r = await run(['--scenario', 'goodbye', '--lane', 'sim:tps=3000,ttft=20', '--max-turns', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /speech is synthesized and timed in real time but not played: add --out race\.wav/,
    );
    expect(r.stderr).toMatch(/\nsim:tps=3000,ttft=20 finished in \d+\.\d s\n/);
  }, 60_000);

  it('refuses a bad --out in one line before the race starts', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [['--out', join(dir, 'x.wav'), '--no-speech'], /--out .*--no-speech/],
      [['--out', join(dir, 'missing', 'race.wav')], /cannot write --out .*: its folder does not exist/],
      [['--out', folder], /cannot write --out .*: it is a folder/],
      [['--out', join(file, 'race.wav')], /cannot write --out .*: a part of its path is a file/],
      [['--out', ''], /--out needs a file name/],
    ];
    for (const [args, message] of cases) {
      const r = await run(['--scenario', 'goodbye', ...args, '--json']);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      // One line, and no race: the title line never printed.
      expect(r.stderr).toMatch(
        new RegExp(`^(warning: .*\\n)*dialtone converse: ${message.source}[^\\n]*\\n$`),
      );
    }
  }, 60_000);
});
