/**
 * Record a lane's run against the real simulated backend over HTTP, stop the backend, replay it: the
 * replayed token timeline, text, TTFT, rate and provider timing match the recording. Tolerances are
 * wide enough for a shared 2-core machine; the measured errors are printed for BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/main/engine/clock';
import { createLlmProvider } from '../../src/main/engine/providers/llm';
import type { LlmEvent, LlmProvider, LlmResult } from '../../src/main/engine/providers/llm/types';
import { RECORDING_FORMAT, RECORDING_VERSION, type Recording } from '../../src/main/engine/recording/format';
import { readRecording } from '../../src/main/engine/recording/reader';
import { startSimServer } from '../../src/main/engine/sim/server';
import { parseLaneSpec } from '../../src/shared/lane-spec';

const dir = mkdtempSync(join(tmpdir(), 'dialtone-rec-'));
const file = join(dir, 'run.json');
const prompts = ['Tell me about sourdough bread.', 'And how long does it rise?'];

interface Run {
  result: LlmResult;
  events: LlmEvent[];
}

const recorded: Run[] = [];

function create(spec: string, simBaseUrl?: string): LlmProvider {
  return createLlmProvider(parseLaneSpec(spec), {
    clock: systemClock,
    env: {},
    ...(simBaseUrl !== undefined ? { simBaseUrl } : {}),
  });
}

async function turn(provider: LlmProvider, prompt: string) {
  const events: LlmEvent[] = [];
  const result = await provider.stream({
    messages: [{ role: 'user', content: prompt }],
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
  });
  return { result, events };
}

const offsets = (run: Run): number[] => run.events.map((e) => e.atMs - run.result.metrics.requestAtMs);
const quantile = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const median = (xs: number[]): number => quantile(xs, 0.5);

beforeAll(async () => {
  const sim = await startSimServer({ port: 0 });
  try {
    // Warm the HTTP stack so the first recorded turn is not the process's cold start.
    await turn(create('sim:tps=20000,ttft=0,max=4', sim.url), 'hi');
    const provider = create(`sim:tps=200,ttft=300,reasoning=20,record=${file}`, sim.url);
    for (const prompt of prompts) recorded.push(await turn(provider, prompt));
  } finally {
    await sim.close(); // the replays below run with no backend at all
  }
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Other processes share this machine's two cores: one replay can lose the CPU at its last token and
 * miss a rate by far more than its pacing does. Pacing that is wrong misses on every run, so when
 * `firstError` (a relative rate error) is over `limit`, up to two more runs are made and the best must
 * hold (as in sim-pacing.test.ts). Every run's error is reported on failure.
 */
async function expectBestRateError(firstError: number, again: () => Promise<number>, limit: number) {
  const errors = [firstError];
  while (errors.length < 3 && Math.min(...errors) >= limit) errors.push(await again());
  expect(Math.min(...errors), `rate errors: ${errors.map((e) => e.toFixed(3)).join(', ')}`).toBeLessThan(
    limit,
  );
}

describe('record and replay against the simulated backend', () => {
  it('writes every turn: messages, timed tokens, metrics, provider timing, the masked spec', () => {
    const rec = readRecording(file);
    expect(rec.provider.id).toBe('sim');
    expect(rec.spec).toBe('sim:tps=200,ttft=300,reasoning=20');
    expect(rec.turns).toHaveLength(2);
    for (const [i, t] of rec.turns.entries()) {
      const live = recorded[i]!;
      expect(t.index).toBe(i + 1);
      expect(t.messages).toEqual([{ role: 'user', content: prompts[i] }]);
      expect(t.text).toBe(live.result.text);
      expect(t.events.filter((e) => e.kind === 'reasoning')).toHaveLength(20);
      expect(t.events.map((e) => e.offsetMs)).toEqual(offsets(live).map((o) => Math.round(o * 1000) / 1000));
      expect(t.metrics?.providerTiming?.source).toBe('time_info');
      expect(t.finishReason).toBe('stop');
    }
  });

  it('replays with the backend stopped: same text, same timeline within a few ms', async () => {
    const replay = create(`replay:file=${file}`);
    expect(replay.id).toBe('replay');
    expect(replay.label).toMatch(/^Replay of Simulated/);
    const errors: number[] = [];
    const figures: string[] = [];
    /** Each turn's replayed rate against the live one, relative. */
    const rateErrors: number[] = [];
    for (const [i, live] of recorded.entries()) {
      const again = await turn(replay, prompts[i]!);
      expect(again.result.text).toBe(live.result.text);
      expect(again.result.reasoningText).toBe(live.result.reasoningText);
      expect(again.events.map((e) => [e.kind, e.text])).toEqual(live.events.map((e) => [e.kind, e.text]));
      const want = offsets(live);
      const got = offsets(again);
      for (const [k, w] of want.entries()) {
        // Never early: a piece is emitted when due or, after a late wake-up, as soon as possible.
        expect(got[k]!).toBeGreaterThan(w - 0.05);
        errors.push(Math.abs(got[k]! - w));
      }

      const a = again.result.metrics;
      const b = live.result.metrics;
      const rateError = Math.abs(a.tokensPerSecond! / b.tokensPerSecond! - 1);
      figures.push(
        `turn ${i + 1}: TTFT ${b.ttftMs!.toFixed(1)} → ${a.ttftMs!.toFixed(1)} ms, ` +
          `${b.tokensPerSecond!.toFixed(1)} → ${a.tokensPerSecond!.toFixed(1)} tok/s, ` +
          `total ${b.totalMs.toFixed(1)} → ${a.totalMs.toFixed(1)} ms`,
      );
      // Bounds allow one late timer on a busy shared machine; typical errors are well under 1 ms.
      expect(Math.abs(a.ttftMs! - b.ttftMs!)).toBeLessThan(100);
      expect(Math.abs(a.totalMs - b.totalMs)).toBeLessThan(100);
      rateErrors.push(rateError);
      expect(a.tokens).toBe(b.tokens);
      expect(a.reasoningTokens).toBe(b.reasoningTokens);
      expect(a.tokenCountSource).toBe(b.tokenCountSource);
      expect(a.providerTiming).toEqual(b.providerTiming);
      expect(again.result.finishReason).toBe(live.result.finishReason);
    }
    const med = median(errors);
    const p90 = quantile(errors, 0.9);
    const max = Math.max(...errors);
    console.log(
      `replay timeline error over ${errors.length} pieces: median ${med.toFixed(3)} ms, ` +
        `p90 ${p90.toFixed(3)} ms, max ${max.toFixed(3)} ms; ${figures.join('; ')}`,
    );
    // Typically: median ~0.02 ms, p90 ~2 ms, max < 10 ms. The bounds leave room for a starved event
    // loop on a loaded shared 2-core machine: a pause delays what is due then, nothing accumulates.
    expect(med).toBeLessThan(3);
    expect(p90).toBeLessThan(25);
    expect(max).toBeLessThan(100);
    // The rates, best of up to three whole replays: the worst turn of a replay is its error.
    await expectBestRateError(
      Math.max(...rateErrors),
      async () => {
        const replayAgain = create(`replay:file=${file}`);
        let worst = 0;
        for (const [i, live] of recorded.entries()) {
          const rate = (await turn(replayAgain, prompts[i]!)).result.metrics.tokensPerSecond!;
          worst = Math.max(worst, Math.abs(rate / live.result.metrics.tokensPerSecond! - 1));
        }
        return worst;
      },
      0.05,
    );
  }, 40_000);

  it('stops at once when cancelled mid-replay, with the partial text', async () => {
    const replay = create(`replay:file=${file}`);
    const abort = new AbortController();
    let abortedAt = 0;
    let seenAtAbort = -1;
    const events: LlmEvent[] = [];
    // Cancelled from a timer, as a socket message would: 30 pieces in, mid-answer.
    const cutMs = recorded[0]!.events[29]!.atMs - recorded[0]!.result.metrics.requestAtMs + 1;
    setTimeout(() => {
      abortedAt = performance.now();
      seenAtAbort = events.length;
      abort.abort();
    }, cutMs);
    const result = await replay.stream({
      messages: [{ role: 'user', content: prompts[0]! }],
      signal: abort.signal,
      onEvent: (e) => events.push(e),
    });
    const returnedMs = performance.now() - abortedAt;
    expect(result.aborted).toBe(true);
    expect(returnedMs).toBeLessThan(50);
    expect(events).toHaveLength(seenAtAbort);
    expect(events.length).toBeGreaterThanOrEqual(25);
    const answer = events
      .filter((e) => e.kind === 'token')
      .map((e) => e.text)
      .join('');
    expect(result.text).toBe(answer);
    const full = recorded[0]!.result.text;
    expect(full.startsWith(result.text)).toBe(true);
    expect(result.text.length).toBeLessThan(full.length);
    expect(result.metrics.providerTiming).toBeUndefined();
  });

  it('ends a replay asked for more turns than recorded with a turn error naming the file', async () => {
    const replay = create(`replay:file=${file}`);
    await turn(replay, prompts[0]!);
    await turn(replay, prompts[1]!);
    await expect(turn(replay, 'one more')).rejects.toMatchObject({
      name: 'LlmError',
      message: `recording ${file} has 2 turns; turn 3 was asked for, so the replay has ended`,
    });
  }, 20_000);
});

describe('scheduling against the clock', () => {
  it('replays 2,000 tok/s without drift: 1,000 pieces 0.5 ms apart end on time, not 1 ms per piece', async () => {
    const fast = join(dir, 'fast.json');
    const events = Array.from({ length: 1000 }, (_, i) => ({
      kind: 'token' as const,
      text: ' x',
      offsetMs: 50 + i * 0.5,
    }));
    const rec: Recording = {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      recordedAt: new Date().toISOString(),
      provider: { id: 'cerebras', model: 'm', label: 'Cerebras · m' },
      spec: 'cerebras',
      turns: [
        {
          index: 1,
          startedAt: new Date().toISOString(),
          messages: [],
          events,
          outcome: 'done',
          text: ' x'.repeat(1000),
          reasoningText: '',
          finishReason: 'stop',
          endOffsetMs: 550,
          metrics: null,
        },
      ],
    };
    writeFileSync(fast, JSON.stringify(rec));
    const run = await turn(create(`replay:file=${fast}`), 'go');
    const last = run.events.at(-1)!.atMs - run.result.metrics.requestAtMs;
    expect(run.events).toHaveLength(1000);
    expect(Math.abs(last - 549.5)).toBeLessThan(30);
    // 1,000 tokens over 499.5 ms: ~2,000 tok/s.
    const rateError = (r: number | null): number => Math.abs((r ?? 0) / 2000 - 1);
    await expectBestRateError(
      rateError(run.result.metrics.tokensPerSecond),
      async () => rateError((await turn(create(`replay:file=${fast}`), 'go')).result.metrics.tokensPerSecond),
      0.1,
    );
  });
});

describe('a failed turn is recorded and replayed as the same failure', () => {
  it('records fault=500 and replays it as that error, at its recorded time', async () => {
    const sim = await startSimServer({ port: 0 });
    const failing = join(dir, 'failing.json');
    let live: unknown;
    try {
      live = await turn(create(`sim:fault=500,record=${failing}`, sim.url), 'hello').catch((e: unknown) => e);
    } finally {
      await sim.close();
    }
    expect(live).toMatchObject({ name: 'LlmError', code: 'server' });
    const rec = readRecording(failing);
    expect(rec.turns[0]).toMatchObject({ outcome: 'error', error: { code: 'server' }, metrics: null });
    const replayed = await turn(create(`replay:file=${failing}`), 'hello').catch((e: unknown) => e);
    expect(replayed).toMatchObject({
      name: 'LlmError',
      code: 'server',
      message: (live as Error).message,
      retryable: true,
    });
  });
});

describe('keys never reach a recording', () => {
  it('masks key= of an OpenAI-compatible lane pointed at the simulated backend', async () => {
    const sim = await startSimServer({ port: 0 });
    const keyed = join(dir, 'keyed.json');
    try {
      const provider = create(`openai-compatible:url=${sim.url},key=secret-9f8e7d,max=5,record=${keyed}`);
      const run = await turn(provider, 'hello');
      expect(run.result.text).not.toBe('');
    } finally {
      await sim.close();
    }
    const text = readFileSync(keyed, 'utf8');
    expect(text).not.toContain('secret-9f8e7d');
    expect(readRecording(keyed).spec).toBe(`openai-compatible:url=${sim.url},key=***,max=5`);
  });
});
