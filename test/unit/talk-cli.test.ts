/**
 * `dialtone talk` as scripts use it: a spoken fixture through a lane in real time with an
 * OpenAI-compatible STT stand-in (100 ms) on 127.0.0.1; the one JSON object on stdout with each turn's
 * words and times from the start of the recording; bad input as one line and exit 1. Bugs it pins:
 * times measured from the engine's start instead of the recording's, a reply timed before the speech
 * ended, and a bad flag starting an engine (or a stack trace) instead of a one-line error.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixturePhrases,
  fixtureScript,
  startDelayedSttServer,
  type DelayedSttServer,
} from '../../src/main/testing/stt-stand-in';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const QUESTION = join(__dirname, '..', 'fixtures', 'speech', 'turn-question.wav');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let stt: DelayedSttServer;
beforeAll(async () => {
  stt = await startDelayedSttServer({ delayMs: 100, transcriptFor: fixtureScript(QUESTION) });
});
afterAll(() => stt.close());

describe('dialtone talk', () => {
  it('prints the turns with times from the start of the recording', async () => {
    const { code, stdout, stderr } = await run([
      'talk',
      QUESTION,
      '--stt',
      stt.spec,
      '--tts',
      'espeak',
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout.trim()) as {
      turns: Array<{
        userText: string;
        replyText: string;
        userStartMs: number;
        userEndMs: number;
        audibleMs: number | null;
        timeline: { gapMs: number | null };
      }>;
    };
    expect(out.turns).toHaveLength(1);
    const [phrase] = fixturePhrases(QUESTION);
    const turn = out.turns[0]!;
    expect(turn.userText).toBe(phrase!.text);
    expect(turn.replyText.length).toBeGreaterThan(0);
    // The VAD's voiced region is the phrase, give or take a 32 ms frame and Silero's hold.
    expect(Math.abs(turn.userStartMs - phrase!.startMs)).toBeLessThan(120);
    expect(Math.abs(turn.userEndMs - phrase!.endMs)).toBeLessThan(200);
    expect(turn.audibleMs!).toBeGreaterThan(turn.userEndMs);
    expect(Math.abs(turn.audibleMs! - turn.userEndMs - turn.timeline.gapMs!)).toBeLessThan(1);
  }, 60_000);

  it.each([
    [['talk'], /no WAV file given/],
    [
      ['talk', '/nonexistent/speech.wav', '--stt', 'openai-compatible:url=http://127.0.0.1:9/v1'],
      /speech\.wav/,
    ],
    [['talk', QUESTION, '--silence-ms', 'soon'], /--silence-ms must be a number/],
    [['talk', QUESTION, '--stt', 'typed'], /takes no audio/],
    [['talk', QUESTION, '--lane', 'warp:speed=9'], /warp/],
  ])('%j is one line and exit 1', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')[0]).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
