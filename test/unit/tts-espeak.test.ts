import { beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/main/engine/clock';
import {
  createTts,
  ESPEAK_SAMPLE_RATE,
  ESPEAK_VOICES,
  MAX_FRAME_MS,
  ttsPort,
} from '../../src/main/engine/providers/tts';
import type { Tts } from '../../src/main/engine/providers/tts';

const rms = (pcm: Int16Array): number => {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / Math.max(1, pcm.length));
};

/** Zero crossings per second over voiced parts: a cheap pitch/brightness proxy. */
function crossingsPerSecond(pcm: Int16Array, sampleRate: number): number {
  let crossings = 0;
  let voiced = 0;
  for (let i = 1; i < pcm.length; i++) {
    if (Math.abs(pcm[i]!) < 500) continue;
    voiced++;
    if (pcm[i - 1]! < 0 !== pcm[i]! < 0) crossings++;
  }
  return (crossings / Math.max(1, voiced)) * sampleRate;
}

const espeak = (voice?: string): Tts =>
  createTts({ provider: 'espeak', ...(voice ? { voice } : {}) }, { clock: systemClock, env: {} });

const SENTENCE = 'The quick brown fox jumps over the lazy dog near the river bank.';

describe('espeak-ng TTS', () => {
  beforeAll(async () => {
    await espeak().warm();
  }, 60_000);

  it('speaks: non-silent 16-bit mono at 22,050 Hz, in frames of at most 40 ms, with timings', async () => {
    const tts = espeak();
    const stream = tts.synthesize(SENTENCE);
    const frames = [];
    for await (const frame of stream) frames.push(frame);
    expect(tts.sampleRate).toBe(ESPEAK_SAMPLE_RATE);
    expect(frames.length).toBeGreaterThan(10);
    const maxSamples = Math.floor((ESPEAK_SAMPLE_RATE * MAX_FRAME_MS) / 1000);
    for (const f of frames) expect(f.pcm.length).toBeLessThanOrEqual(maxSamples);
    const all = await tts.synthesizeAll(SENTENCE);
    expect(rms(all.pcm)).toBeGreaterThan(300);
    const m = stream.metrics;
    expect(m.audioMs).toBeGreaterThan(2000);
    expect(m.firstAudioMs).toBeGreaterThan(0);
    expect(m.realTimeFactor).toBeGreaterThan(0);
    expect(m.realTimeFactor).toBeLessThan(1);
    expect(frames.at(-1)!.offsetMs).toBeCloseTo(
      m.audioMs - (frames.at(-1)!.pcm.length * 1000) / ESPEAK_SAMPLE_RATE,
      3,
    );
  });

  it('takes longer to say more', async () => {
    const tts = espeak();
    const short = await tts.synthesizeAll('Hello there.');
    const long = await tts.synthesizeAll('Hello there. ' + SENTENCE + ' ' + SENTENCE);
    expect(long.metrics.audioMs).toBeGreaterThan(short.metrics.audioMs * 3);
  });

  it('has distinct voices: two bots do not sound alike', async () => {
    expect(new Set(ESPEAK_VOICES.map((v) => v.id)).size).toBe(ESPEAK_VOICES.length);
    const male = await espeak('en-us').synthesizeAll(SENTENCE);
    const female = await espeak('en-us-f').synthesizeAll(SENTENCE);
    const british = await espeak('en-gb').synthesizeAll(SENTENCE);
    const zMale = crossingsPerSecond(male.pcm, ESPEAK_SAMPLE_RATE);
    const zFemale = crossingsPerSecond(female.pcm, ESPEAK_SAMPLE_RATE);
    // The female variant is higher pitched and brighter.
    expect(zFemale).toBeGreaterThan(zMale * 1.1);
    // Accent: the same words come out with a different length and waveform.
    expect(british.pcm.length).not.toBe(male.pcm.length);
  });

  it('falls back to the default voice on an unknown one, with a warning', async () => {
    const tts = espeak('xx-nope');
    await tts.warm();
    expect(tts.warnings.join()).toContain('xx-nope');
    const r = await tts.synthesizeAll('Still speaking.');
    expect(rms(r.pcm)).toBeGreaterThan(300);
    const garbage = espeak('!!');
    expect(garbage.warnings.join()).toContain('unknown espeak voice "!!"');
  });

  it('says nothing for empty or whitespace text, in no time', async () => {
    for (const text of ['', '   ', '\n\t']) {
      const r = await espeak().synthesizeAll(text);
      expect(r.pcm.length).toBe(0);
      expect(r.metrics.audioMs).toBe(0);
      expect(r.metrics.firstAudioMs).toBeNull();
    }
  });

  it('never crashes on emoji, CJK, code or 10,000 characters', async () => {
    const tts = espeak();
    for (const text of [
      '🎉🔥👍🏽',
      '東京は晴れです。',
      'const x = () => { return a[i] ?? b; };',
      '-v --help -w /etc/x',
    ]) {
      const r = await tts.synthesizeAll(text);
      expect(r.metrics.aborted).toBe(false);
    }
    const huge = 'word '.repeat(2000);
    const ac = new AbortController();
    let frames = 0;
    for await (const _ of tts.synthesize(huge, { signal: ac.signal })) {
      if (++frames === 50) ac.abort();
    }
    expect(frames).toBe(50);
    // The engine is fine afterwards.
    expect(rms((await tts.synthesizeAll('After the abort.')).pcm)).toBeGreaterThan(300);
  });

  it('runs espeak off the engine thread: timers keep firing during a long synthesis', async () => {
    const tts = espeak();
    await tts.warm();
    expect((tts as unknown as { where: string }).where).toBe('worker');
    expect(tts.warnings).toEqual([]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    const r = await tts.synthesizeAll('This sentence is spoken in a worker thread. '.repeat(20));
    clearInterval(timer);
    expect(r.metrics.audioMs).toBeGreaterThan(20_000);
    expect(ticks).toBeGreaterThan(5);
  });

  it('a worker that cannot start: espeak speaks from the engine thread and says so', async () => {
    // A fresh copy of the modules, whose worker start fails as in a bundle without the worker file.
    vi.resetModules();
    const workers = await import('../../src/main/engine/workers/job-worker');
    const start = vi
      .spyOn(workers.JobWorker, 'start')
      .mockRejectedValue(new Error('no espeak-worker next to /app'));
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const fresh = await import('../../src/main/engine/providers/tts/espeak');
      const here = new fresh.EspeakTts({}, systemClock);
      expect(rms((await here.synthesizeAll('Still speaking.')).pcm)).toBeGreaterThan(300);
      expect(here.where).toBe('in-process');
      expect(here.warnings).toEqual([
        expect.stringMatching(/^espeak runs on the engine thread: .*no espeak-worker next to \/app/),
      ]);
      // The lane reads it through its port and tells the clients (lane.notice).
      expect(ttsPort(here).engineThread).toBe(here.warnings[0]);
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/espeak runs on the engine thread/));
    } finally {
      start.mockRestore();
      warned.mockRestore();
    }
  });

  it('adapts to the lane port: audio per frame, quiet on abort', async () => {
    const port = ttsPort(espeak('en-gb'));
    expect(port.label).toContain('British');
    let samples = 0;
    await port.synthesize('Hello from the port.', new AbortController().signal, (pcm, rate) => {
      expect(rate).toBe(ESPEAK_SAMPLE_RATE);
      samples += pcm.length;
    });
    expect(samples).toBeGreaterThan(10_000);
    const ac = new AbortController();
    ac.abort();
    await expect(
      port.synthesize('Never heard.', ac.signal, () => expect.fail('no audio')),
    ).resolves.toBeUndefined();
  });

  it('stops at once when aborted before or during synthesis', async () => {
    const tts = espeak();
    const ac = new AbortController();
    ac.abort();
    const before = tts.synthesize(SENTENCE, { signal: ac.signal });
    const got = [];
    for await (const f of before) got.push(f);
    expect(got).toEqual([]);
    expect(before.metrics.aborted).toBe(true);
  });
});
