/**
 * The simulated backend keeps time: token rate and time to first token as seen by the official
 * `openai` client over real HTTP. Tolerances fit a shared 2-core machine; rates are measured from the
 * first to the last token chunk's arrival, as the app's metrics do.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSimControl, SIM_CONTROL_HEADER, type SimControl } from '../../src/main/engine/sim/control';
import { startSimServer, type SimServer } from '../../src/main/engine/sim/server';

let sim: SimServer;
let client: OpenAI;

interface Run {
  tokens: number;
  /** Request sent → first token chunk, ms. */
  ttftMs: number;
  /** First → last token chunk arrival. */
  tokensPerSecond: number;
}

/** Streams and timestamps every token chunk (reasoning or content) on arrival. */
async function timedStream(control: SimControl): Promise<Run> {
  const sentMs = performance.now();
  const stream = await client.chat.completions.create(
    { model: 'dialtone-sim', messages: [{ role: 'user', content: 'Count for me.' }], stream: true },
    { headers: { [SIM_CONTROL_HEADER]: encodeSimControl(control) } },
  );
  const arrivals: number[] = [];
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta as { content?: string; reasoning?: string } | undefined;
    if (delta?.content || delta?.reasoning) arrivals.push(performance.now());
  }
  const first = arrivals[0]!;
  const last = arrivals.at(-1)!;
  return {
    tokens: arrivals.length,
    ttftMs: first - sentMs,
    tokensPerSecond: (arrivals.length - 1) / ((last - first) / 1000),
  };
}

/** A scripted reply of exactly n tokens (" word" is one token). */
const words = (n: number): string => ' word'.repeat(n);

beforeAll(async () => {
  sim = await startSimServer();
  client = new OpenAI({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
  // Warm the JIT (client SSE parsing, server chunk building) so the first measured run is not a cold one.
  for (let i = 0; i < 3; i++) await timedStream({ tps: 50_000, ttftMs: 0, reply: words(3000) });
});
afterAll(() => sim.close());

/**
 * Other processes share this machine's two cores: one run can lose the CPU for 100 ms, which no pacing
 * can survive. A pacing bug (per-token sleeps, drift) misses on every run, so the run closest to the
 * target of up to three must be within tolerance. Every run is reported on failure.
 */
async function closestOf3(
  control: SimControl,
  measure: (r: Run) => number,
  target: number,
): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < 3; i++) {
    values.push(measure(await timedStream(control)));
    if (Math.abs(values[i]! - target) <= target * 0.1) break;
  }
  return values.sort((a, b) => Math.abs(a - target) - Math.abs(b - target));
}

describe('token rate', () => {
  it.each([
    [5, 6],
    [50, 40],
    [2_000, 400],
    [20_000, 4_000],
  ])('holds at %i tok/s over %i tokens', async (tps, tokens) => {
    const runs = await closestOf3(
      { tps, ttftMs: 0, reply: words(tokens) },
      (r) => {
        expect(r.tokens).toBe(tokens);
        return r.tokensPerSecond;
      },
      tps,
    );
    expect(runs[0], `runs: ${runs.map((r) => r.toFixed(0)).join(', ')}`).toBeGreaterThan(tps * 0.85);
    expect(runs[0], `runs: ${runs.map((r) => r.toFixed(0)).join(', ')}`).toBeLessThan(tps * 1.15);
  });

  it('holds with full jitter and with reasoning tokens in the stream', async () => {
    const jittered = await closestOf3(
      { tps: 2_000, ttftMs: 0, jitter: 1, seed: 9, reply: words(400) },
      (r) => r.tokensPerSecond,
      2_000,
    );
    expect(jittered[0]).toBeGreaterThan(2_000 * 0.85);
    expect(jittered[0]).toBeLessThan(2_000 * 1.15);
    const reasoning = await closestOf3(
      { tps: 2_000, ttftMs: 0, reasoningTokens: 300, reply: words(100) },
      (r) => {
        expect(r.tokens).toBe(400);
        return r.tokensPerSecond;
      },
      2_000,
    );
    expect(reasoning[0]).toBeGreaterThan(2_000 * 0.85);
    expect(reasoning[0]).toBeLessThan(2_000 * 1.15);
  });
});

describe('time to first token', () => {
  it.each([0, 150, 1_000])('is %i ms as injected (never early, not much late)', async (ttftMs) => {
    const runs = await closestOf3(
      { tps: 2_000, ttftMs, reply: words(20) },
      (r) => {
        expect(r.ttftMs).toBeGreaterThanOrEqual(ttftMs - 5); // on every run
        return r.ttftMs;
      },
      ttftMs,
    );
    expect(runs[0]).toBeLessThanOrEqual(ttftMs + 75);
  });
});
