/**
 * Figures an audience can trust. Catches: a decode rate over a few milliseconds (a 9-token reply on a
 * 2,000 tok/s lane read 1,472–4,419 tok/s because its tokens came in bursts), a first turn whose TTFT
 * reads well above the configured one because the lane met a cold path, a scenario's given opening
 * line shown as "TTFT 0 ms", and a preset shown "above the ceiling" of a model it never imitated.
 */
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer } from '../../src/main/engine/sim/server';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { buildMetrics, type StreamRecord } from '../../src/main/engine/providers/llm/turn-metrics';
import { GivenLine } from '../../src/main/engine/conversation/instant';
import { systemClock } from '../../src/main/engine/clock';
import { LANE_PRESETS, parseLaneSpec, presetOfSpec } from '../../src/shared/lane-spec';
import { MIN_RATE_SPAN_MS, MIN_RATE_TOKENS, streamRate } from '../../src/shared/metrics';
import { defaultRooflineModel, modelCeilingTps } from '../../src/shared/roofline';
import { figureValues, summaryLine } from '../../src/renderer/src/stream/figures';
import { TextStream, type LiveTurn } from '../../src/renderer/src/stream/live-turns';
import type { EngineEvent } from '../../src/shared/protocol';
import { TestClient } from '../helpers/engine-client';

describe('the rate rule', () => {
  it.each<[string, number, number, number | null, number | null, number | null]>([
    // what, generated, first burst, first at, last at, rate
    ['9 tokens in 2.5 ms (the burst that read 3,200 tok/s)', 9, 3, 100, 102.5, null],
    ['19 tokens over a second: too few tokens', 19, 1, 0, 1000, null],
    ['200 tokens in 99 ms: too short', 200, 1, 0, 99, null],
    ['201 tokens over 100 ms', 201, 1, 0, 100, 2000],
    ['a burst of 5 with the first is not counted in the interval after it', 205, 5, 0, 100, 2000],
    ['no tokens', 0, 0, null, null, null],
  ])('%s', (_what, generated, burst, first, last, rate) => {
    const got = streamRate(generated, burst, first, last);
    if (rate === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(rate, 6);
  });

  const record = (over: Partial<StreamRecord>): StreamRecord => ({
    requestAtMs: 0,
    endAtMs: 300,
    firstTokenAtMs: 150,
    firstAnswerTokenAtMs: 150,
    lastTokenAtMs: 152.5,
    answerChunks: 9,
    reasoningChunks: 0,
    usage: undefined,
    timeInfo: undefined,
    groqUsage: undefined,
    ...over,
  });

  it.each<[string, Partial<StreamRecord>, number | null]>([
    ['a short reply with no provider timing has no rate', {}, null],
    [
      "a short reply takes the provider's own decode time",
      { timeInfo: { prompt_time: 0.15, completion_time: 0.004 } },
      2000,
    ],
    [
      'a long reply is measured on our own stamps, its first read not counted',
      { answerChunks: 205, firstReadChunks: 5, lastTokenAtMs: 250, timeInfo: { completion_time: 0.05 } },
      2000,
    ],
    ['a provider decode time of 0 gives no rate', { timeInfo: { completion_time: 0 } }, null],
  ])('%s', (_what, over, rate) => {
    const m = buildMetrics(record(over));
    if (rate === null) expect(m.tokensPerSecond).toBeNull();
    else expect(m.tokensPerSecond).toBeCloseTo(rate, 6);
    expect(m.genMs).toBeCloseTo((over.lastTokenAtMs ?? 152.5) - 150, 6);
  });

  it(`the thresholds are ${MIN_RATE_TOKENS} tokens and ${MIN_RATE_SPAN_MS} ms`, () => {
    expect([MIN_RATE_TOKENS, MIN_RATE_SPAN_MS]).toEqual([20, 100]);
  });
});

describe('through the real engine and the simulated backend', () => {
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

  type Done = Extract<EngineEvent, { type: 'llm.done' }>;
  /** One typed turn on a lane: its `llm.done`, once the turn's metrics are out too. */
  async function turn(laneId: string, text: string): Promise<Done> {
    const count = (type: EngineEvent['type']) =>
      client.events.filter((e) => e.type === type && 'laneId' in e && e.laneId === laneId).length;
    const before = count('turn.metrics');
    client.send({ type: 'chat.send', laneId, text });
    for (let i = 0; i < 400; i++) {
      if (count('turn.metrics') > before) {
        const done = client.events.filter((e): e is Done => e.type === 'llm.done' && e.laneId === laneId);
        return done[done.length - 1]!;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no turn.metrics on ${laneId}`);
  }

  it('five 9-token replies on sim:tps=2000 never read above 2,400 tok/s', async () => {
    client.send({ type: 'lane.create', laneId: 'short', spec: 'sim:tps=2000,ttft=20,tokens=9' });
    const rates: (number | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const done = await turn('short', `question ${i}`);
      expect(done.metrics.tokens).toBe(9);
      rates.push(done.metrics.tokensPerSecond);
    }
    for (const r of rates) if (r !== null) expect(r).toBeLessThanOrEqual(2000 * 1.2);
    // The simulated backend reports its own decode time, so the figure is there and right.
    for (const r of rates) expect(r).toBeCloseTo(2000, -1);
  });

  it('a race flags its given opening line as scripted, and only that line', async () => {
    const from = client.events.length;
    client.send({
      type: 'scenario.start',
      scenario: 'goodbye',
      lanes: [{ laneId: 'race-fast', spec: 'fast' }],
      speech: false,
    });
    await client.waitFor('scenario.finished', (e) => e.laneId === 'race-fast', 30_000);
    const mine = client.events.slice(from);
    const done = mine.filter((e): e is Done => e.type === 'llm.done' && e.laneId === 'race-fast');
    expect(done.length).toBeGreaterThan(2);
    expect(done[0]!.metrics).toMatchObject({ scripted: true, ttftMs: null });
    for (const d of done.slice(1)) expect(d.metrics.scripted).toBeUndefined();
    const lines = mine.filter(
      (e): e is Extract<EngineEvent, { type: 'scenario.progress' }> =>
        e.type === 'scenario.progress' && e.laneId === 'race-fast',
    );
    expect(lines[0]!.opening).toBe(true);
    expect(lines[0]!.timeline?.scripted).toBe(true);
    expect(lines[0]!.timeline?.ttftMs).toBeNull();
    expect(lines[1]!.timeline?.scripted).toBeUndefined();
  });

  it("a fresh lane's first turn has the configured TTFT within 5 % (best of three fresh lanes)", async () => {
    const ttfts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const laneId = `fresh-${i}`;
      client.send({ type: 'lane.create', laneId, spec: 'sim:tps=2000,ttft=150' });
      const done = await turn(laneId, 'hello there');
      ttfts.push(done.metrics.ttftMs!);
      // Other processes share this machine's cores: a run can lose the CPU; a cold path is slow every time.
      if (done.metrics.ttftMs! <= 150 * 1.05) break;
    }
    expect(Math.min(...ttfts), `first-turn TTFTs ${ttfts.join(', ')}`).toBeLessThanOrEqual(150 * 1.05);
    expect(Math.min(...ttfts)).toBeGreaterThanOrEqual(150 - 1);
  });
});

describe('the simulated backend keeps a connection warm', () => {
  /** One completion over `agent`; resolves with whether it went over a socket used before. */
  function complete(url: string, agent: Agent): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${url}/chat/completions`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(req.reusedSocket));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'sim', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }));
    });
  }

  it(
    'an idle connection outlives the 5 s a presenter takes to set up the next lane',
    { timeout: 20_000 },
    async () => {
      // Node's default keep-alive closed it after 5 s, and the next lane's first turn paid a new
      // connection and cold code on its TTFT.
      const sim = await startSimServer({ clock: systemClock });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        expect(await complete(sim.url, agent)).toBe(false);
        await new Promise((r) => setTimeout(r, 6_000));
        expect(await complete(sim.url, agent)).toBe(true);
      } finally {
        agent.destroy();
        await sim.close();
      }
    },
  );
});

describe('scripted lines', () => {
  it('a given line is flagged scripted, with no TTFT or rate', async () => {
    const seen: string[] = [];
    const result = await new GivenLine('Hello there, Ben.', systemClock).stream({
      messages: [],
      signal: new AbortController().signal,
      onEvent: (e) => seen.push(e.text),
    });
    expect(seen.join('')).toBe('Hello there, Ben.');
    expect(result.metrics).toMatchObject({ scripted: true, ttftMs: null, tokensPerSecond: null });
  });

  const liveTurn = (over: Partial<LiveTurn>): LiveTurn => ({
    laneId: 'a',
    turnId: 'a-1',
    userText: '',
    speaker: null,
    requestAtMs: 1000,
    status: 'done',
    answer: new TextStream(),
    reasoning: new TextStream(),
    firstTokenAtMs: 1000,
    lastTokenAtMs: 1000,
    answerTokens: 3,
    reasoningTokens: 0,
    endAtMs: 1000,
    metrics: null,
    ...over,
  });

  it('the figures say "scripted", not "TTFT 0 ms · 0.00 s"', async () => {
    const { metrics } = await new GivenLine('Hello there, Ben.', systemClock).stream({
      messages: [],
      signal: new AbortController().signal,
      onEvent: () => {},
    });
    const turn = liveTurn({ metrics });
    expect(figureValues(turn, 2000)).toMatchObject({
      label: 'scripted line',
      ttft: '—',
      tps: '—',
      scripted: true,
    });
    expect(summaryLine(turn)).toBe('scripted · 3 tok');
    expect(summaryLine(turn)).not.toContain('TTFT');
  });

  it('a short reply streaming shows no rate until it has run long enough', () => {
    const running = liveTurn({
      status: 'running',
      firstTokenAtMs: 1150,
      lastTokenAtMs: 1152.5,
      answerTokens: 9,
    });
    expect(figureValues(running, 1153).tps).toBe('—');
    const long = liveTurn({
      status: 'running',
      firstTokenAtMs: 1150,
      lastTokenAtMs: 1250,
      answerTokens: 201,
    });
    expect(figureValues(long, 1251).tps).toBe('2,000');
  });
});

describe('presets and the roofline', () => {
  it('every preset states its model, and its rate is below that model’s ceiling', () => {
    for (const [name, preset] of Object.entries(LANE_PRESETS)) {
      const spec = parseLaneSpec(preset.spec);
      if (spec.provider !== 'sim') throw new Error(`${name} is not simulated`);
      expect(preset.model.paramsB, name).toBeGreaterThan(0);
      expect(spec.knobs.tps, name).toBeLessThan(modelCeilingTps(preset.model));
    }
    expect(LANE_PRESETS.fast!.model).toMatchObject({ name: 'Llama 3.1 8B', paramsB: 8 });
    expect(LANE_PRESETS.gpu!.model).toMatchObject({ name: 'Llama 3.1 70B', paramsB: 70 });
  });

  it("the roofline starts on the first lane's model, and on its own default without one", () => {
    const fallback = { paramsB: 70, precisionId: 'fp16', systemId: 'h100' };
    const gpu = presetOfSpec('sim:tps=60,ttft=700')?.model ?? null;
    expect(gpu).toBe(LANE_PRESETS.gpu!.model);
    expect(presetOfSpec('sim:tps=61,ttft=700')).toBeNull();
    expect(defaultRooflineModel([null, gpu], fallback)).toEqual({
      paramsB: 70,
      precisionId: 'fp16',
      systemId: 'h100x8',
    });
    expect(defaultRooflineModel([null], fallback)).toEqual(fallback);
    // The complaint: "gpu: measured 60 tok/s (above this ceiling)" against 70B on one H100.
    expect(60).toBeLessThan(modelCeilingTps(gpu!));
  });
});
