/**
 * Bad recordings are refused with one line that names the file — corrupt, foreign, another version,
 * damaged, missing, unwritable — and a replay that runs out of turns fails that turn only. A foreign
 * file is never quoted, and never overwritten by `record=`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { systemClock } from '../../src/main/engine/clock';
import { createLlmProvider } from '../../src/main/engine/providers/llm';
import { RECORDING_FORMAT, RECORDING_VERSION, type Recording } from '../../src/main/engine/recording/format';
import { formatLaneSpec, LaneSpecError, parseLaneSpec } from '../../src/shared/lane-spec';
import { TestClient } from '../helpers/engine-client';

const dir = mkdtempSync(join(tmpdir(), 'dialtone-rec-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small valid recording: one turn, "Hello there." at 100 and 120 ms after the request. */
function recording(): Recording {
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    recordedAt: '2026-11-27T04:00:00.000Z',
    provider: { id: 'cerebras', model: 'llama3.1-8b', label: 'Cerebras · llama3.1-8b' },
    spec: 'cerebras:key=***',
    turns: [
      {
        index: 1,
        startedAt: '2026-11-27T04:00:01.000Z',
        messages: [{ role: 'user', content: 'Hi' }],
        events: [
          { kind: 'token', text: 'Hello', offsetMs: 100 },
          { kind: 'token', text: ' there.', offsetMs: 120 },
        ],
        outcome: 'done',
        text: 'Hello there.',
        reasoningText: '',
        finishReason: 'stop',
        endOffsetMs: 125,
        metrics: {
          requestAtMs: 1000,
          firstTokenAtMs: 1100,
          firstAnswerTokenAtMs: 1100,
          lastTokenAtMs: 1120,
          ttftMs: 100,
          tokens: 3,
          reasoningTokens: 0,
          tokenCountSource: 'usage',
          tokensPerSecond: 100,
          genMs: 20,
          totalMs: 125,
          providerTiming: { source: 'time_info', queueMs: 1.5, promptMs: 2, completionMs: 18, totalMs: 22 },
        },
      },
    ],
  };
}

function fileWith(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function refusal(spec: string): string {
  try {
    createLlmProvider(parseLaneSpec(spec), { clock: systemClock, env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(LaneSpecError);
    return (err as Error).message;
  }
  throw new Error(`${spec} was accepted`);
}

describe('opening a recording', () => {
  it('refuses a corrupt file (bad JSON), naming it', () => {
    const path = fileWith('corrupt.json', JSON.stringify(recording()).slice(0, 200));
    const message = refusal(`replay:file=${path}`);
    expect(message).toMatch(new RegExp(`^recording ${path} is not valid JSON`));
    expect(message).not.toContain('\n');
  });

  it('refuses a foreign JSON file', () => {
    const path = fileWith('package.json', '{"name": "not-a-recording", "version": "1.0.0"}');
    expect(refusal(`replay:file=${path}`)).toBe(
      `${path} is not a Dialtone recording (JSON without the recording format field)`,
    );
  });

  // Bug pinned: `replay:file=/etc/passwd` printed the file's first bytes (the JSON parser's message
  // quotes the text it choked on) in the lane error, to every client.
  it('says what a foreign file is not, never what it holds', () => {
    const secret = 'root:x:0:0:secret-line-of-a-foreign-file';
    const path = fileWith('passwd', `${secret}\nbin:x:1:1\n`);
    const message = refusal(`replay:file=${path}`);
    expect(message).toBe(`${path} is not a Dialtone recording (not JSON)`);
    expect(message).not.toContain('root');
    const truncated = fileWith('truncated.json', JSON.stringify(recording()).slice(0, 120));
    expect(refusal(`replay:file=${truncated}`)).toBe(
      `recording ${truncated} is not valid JSON (corrupt or truncated?)`,
    );
  });

  it('refuses a recording of another version', () => {
    const path = fileWith('v2.json', JSON.stringify({ ...recording(), version: 2 }));
    expect(refusal(`replay:file=${path}`)).toBe(
      `recording ${path} is version 2; this Dialtone reads version ${RECORDING_VERSION}`,
    );
  });

  it('refuses a damaged recording, naming the field', () => {
    const bad = recording() as unknown as { turns: { events: { offsetMs: unknown }[] }[] };
    bad.turns[0]!.events[1]!.offsetMs = 'soon';
    const path = fileWith('damaged.json', JSON.stringify(bad));
    expect(refusal(`replay:file=${path}`)).toMatch(
      new RegExp(`^recording ${path} is damaged: turns\\.0\\.events\\.1\\.offsetMs: `),
    );
    const backwards = recording();
    backwards.turns[0]!.events[1]!.offsetMs = 50;
    const path2 = fileWith('backwards.json', JSON.stringify(backwards));
    expect(refusal(`replay:file=${path2}`)).toBe(
      `recording ${path2} is damaged: turns.0.events.1: times go backwards`,
    );
  });

  it('refuses a missing file', () => {
    const path = join(dir, 'nowhere.json');
    expect(refusal(`replay:file=${path}`)).toBe(`recording ${path} does not exist`);
  });

  it('refuses to record where no file can be written', () => {
    const path = join(dir, 'no-such-folder', 'run.json');
    expect(refusal(`sim:url=http://127.0.0.1:9/v1,record=${path}`)).toBe(
      `cannot write recording ${path} (ENOENT)`,
    );
  });

  // Bug pinned: `record=` wrote over any file, so a typo (record=notes.txt) destroyed it.
  it('refuses to record over a file that is not a recording; an earlier recording is overwritten', () => {
    const notes = fileWith('notes.txt', 'my notes, not a recording\n');
    expect(refusal(`sim:url=http://127.0.0.1:9/v1,record=${notes}`)).toBe(
      `record=${notes} would overwrite a file that is not a Dialtone recording: choose a new file name`,
    );
    expect(readFileSync(notes, 'utf8')).toBe('my notes, not a recording\n');
    const foreignJson = fileWith('data.json', '{"name": "not-a-recording"}');
    expect(refusal(`sim:url=http://127.0.0.1:9/v1,record=${foreignJson}`)).toMatch(
      /not a Dialtone recording/,
    );

    const earlier = fileWith('earlier.json', JSON.stringify(recording(), null, 2));
    createLlmProvider(parseLaneSpec(`sim:url=http://127.0.0.1:9/v1,record=${earlier}`), {
      clock: systemClock,
      env: {},
    });
    const rewritten = JSON.parse(readFileSync(earlier, 'utf8')) as Recording;
    expect(rewritten.turns).toEqual([]);
    expect(rewritten.spec).toBe('sim:tps=2000,ttft=150,url=http://127.0.0.1:9/v1');
  });

  it('labels a replay as a replay and keeps the recorded model', () => {
    const path = fileWith('ok.json', JSON.stringify(recording()));
    const provider = createLlmProvider(parseLaneSpec(`replay:file=${path}`), {
      clock: systemClock,
      env: {},
    });
    expect(provider.id).toBe('replay');
    expect(provider.label).toBe('Replay of Cerebras · llama3.1-8b');
    expect(provider.model).toBe('llama3.1-8b');
  });
});

describe('replay lane specs', () => {
  it('parses replay:file= and record= on every streaming provider, and prints them back', () => {
    expect(parseLaneSpec('replay:file=/tmp/run.json')).toEqual({ provider: 'replay', file: '/tmp/run.json' });
    expect(formatLaneSpec(parseLaneSpec('replay:file=/tmp/run.json'))).toBe('replay:file=/tmp/run.json');
    expect(formatLaneSpec(parseLaneSpec('sim:tps=100,record=a.json'))).toBe(
      'sim:tps=100,ttft=150,record=a.json',
    );
    expect(formatLaneSpec(parseLaneSpec('groq:key=k,record=b.json'))).toBe('groq:key=***,record=b.json');
  });

  it('names what is wrong with a replay spec', () => {
    expect(() => parseLaneSpec('replay')).toThrow('replay needs file=/path/to/recording.json');
    expect(() => parseLaneSpec('replay:file=a.json,tps=5')).toThrow('unknown key "tps" for provider replay');
    expect(() => parseLaneSpec('sim:record=')).toThrow('record= needs a file path');
  });
});

describe('replay lanes in the engine', () => {
  let engine: RunningEngine;
  let client: TestClient;

  beforeAll(async () => {
    engine = await startEngine({ env: {} });
    client = await TestClient.connect(engine);
  });
  afterAll(async () => {
    client.close();
    await engine.close();
  });

  it('refuses a corrupt recording on that lane with a message naming the file; the engine goes on', async () => {
    const path = fileWith('engine-corrupt.json', '{"format": "dialtone.rec');
    client.send({ type: 'lane.create', laneId: 'bad', spec: `replay:file=${path}` });
    const error = await client.waitFor('error', (e) => e.laneId === 'bad');
    expect(error.stage).toBe('lane');
    expect(error.message).toMatch(new RegExp(`^recording ${path} is not valid JSON`));
    expect(engine.engine.laneIds()).not.toContain('bad');
  });

  it('replays the recorded turn, then fails the turn past the end of the recording', async () => {
    const path = fileWith('engine-ok.json', JSON.stringify(recording()));
    client.send({ type: 'lane.create', laneId: 'r', spec: `replay:file=${path}` });
    const state = await client.waitFor('lane.state', (e) => e.lane.laneId === 'r');
    expect(state.lane.provider).toBe('replay');
    expect(state.lane.model).toBe('llama3.1-8b');
    client.send({ type: 'chat.send', laneId: 'r', text: 'Hi' });
    const done = await client.waitFor('llm.done', (e) => e.laneId === 'r');
    expect(done.text).toBe('Hello there.');
    expect(done.metrics.ttftMs).toBeGreaterThanOrEqual(99);
    expect(done.metrics.ttftMs).toBeLessThan(150);
    expect(done.metrics.tokens).toBe(3);
    expect(done.metrics.providerTiming).toEqual(recording().turns[0]!.metrics!.providerTiming);

    client.send({ type: 'chat.send', laneId: 'r', text: 'Again?' });
    const error = await client.waitFor('error', (e) => e.laneId === 'r');
    expect(error.stage).toBe('llm');
    expect(error.message).toBe(`recording ${path} has 1 turn; turn 2 was asked for, so the replay has ended`);
    await client.waitFor('turn.metrics', (e) => e.laneId === 'r' && e.turnId === error.turnId);
  });
});
