/**
 * `dialtone converse` as scripts use it: the contract's one JSON object last on stdout, progress on
 * stderr, bad input as one line and exit 1, and a broken user scenario file named without stopping
 * the others.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const userDir = mkdtempSync(join(tmpdir(), 'dialtone-cli-scenarios-'));
writeFileSync(join(userDir, 'broken.yaml'), 'title: Broken\npersonas: []\nopener: A\nopening: Hi.\n');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env, DIALTONE_SCENARIOS: userDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dialtone converse', () => {
  it('prints the contract JSON for a side-by-side text race', async () => {
    const { code, stdout, stderr } = await run([
      'converse',
      '--scenario',
      'goodbye',
      '--lane',
      'sim:tps=3000,ttft=20',
      '--lane',
      'sim:tps=600,ttft=120',
      '--no-speech',
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(out.scenario).toBe('goodbye');
    expect(out.lanes).toHaveLength(2);
    const [a, b] = out.lanes;
    expect(a).toMatchObject({
      label: 'sim:tps=3000,ttft=20',
      spec: expect.stringMatching(/^sim:/),
      stoppedBy: 'goodbye',
    });
    for (const lane of out.lanes) {
      expect(lane.totalMs).toBeGreaterThan(0);
      expect(lane.deadAirMs).toBeGreaterThan(0);
      expect(lane.turns).toHaveLength(12);
      for (const turn of lane.turns.slice(1)) {
        expect(turn).toMatchObject({
          speaker: expect.any(String),
          text: expect.any(String),
          gapMs: expect.any(Number),
          tokens: expect.any(Number),
          segments: { ttftMs: expect.any(Number), firstChunkMs: expect.any(Number), gapMs: turn.gapMs },
        });
        expect(turn.tokens).toBeGreaterThan(0);
      }
      expect(lane.turns[0]).toMatchObject({ speaker: 'Ada', gapMs: null, opening: true });
    }
    expect(a.turns.map((t: { text: string }) => t.text)).toEqual(
      b.turns.map((t: { text: string }) => t.text),
    );
    expect(a.deadAirMs).toBeLessThan(b.deadAirMs);
    // The winner, as the app's finish card says it: the faster clean finish, by the difference.
    const line = `sim:tps=3000,ttft=20 wins by ${((b.totalMs - a.totalMs) / 1000).toFixed(1)} s`;
    expect(out.winner).toEqual({
      label: a.label,
      spec: a.spec,
      totalMs: a.totalMs,
      marginMs: b.totalMs - a.totalMs,
      text: line,
    });
    expect(stderr).toContain(`\n${line}\n`);
    // Progress is human text on stderr, and the broken user file is named, not fatal.
    expect(stderr).toMatch(/\[sim:tps=3000,ttft=20\] Ben: Oh, it really was!/);
    expect(stderr).toMatch(/broken\.yaml: personas: /);
    // The lanes race side by side: the slow lane's first reply is printed before the fast lane is done
    // (lanes run one after another would print all of one lane first).
    const progress = stderr.split('\n');
    const slowFirstReply = progress.findIndex((l) => l.startsWith('[sim:tps=600,ttft=120] Ben:'));
    const fastFinished = progress.findIndex((l) => l.startsWith('[sim:tps=3000,ttft=20] finished:'));
    expect(slowFirstReply, stderr).toBeGreaterThan(0);
    expect(fastFinished, stderr).toBeGreaterThan(0);
    expect(slowFirstReply, stderr).toBeLessThan(fastFinished);
  }, 60_000);

  it('refuses bad input with one line and exit 1', async () => {
    const unknown = await run(['converse', '--scenario', 'nope', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(
      /^(warning: .*\n)*dialtone converse: unknown scenario "nope" \(known: goodbye, interpreter, support\)\n$/,
    );
    const badLane = await run(['converse', '--scenario', 'goodbye', '--lane', 'warp:speed=9']);
    expect(badLane.code).toBe(1);
    expect(badLane.stderr).toMatch(/dialtone converse: .*warp/);
    const missing = await run(['converse']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--scenario NAME is required/);
  }, 30_000);
});
