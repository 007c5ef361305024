import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/main/engine/clock';
import { Tts, TtsError } from '../../src/main/engine/providers/tts';

/** A clock the test moves by hand. */
class FakeClock implements Clock {
  t = 1_000;
  now(): number {
    return this.t;
  }
}

/** A provider scripted step by step: each step waits for the test, then yields PCM or throws. */
class ScriptedTts extends Tts {
  readonly id = 'scripted';
  readonly label = 'Scripted';
  readonly sampleRate = 10_000;
  steps: (() => Int16Array | Promise<Int16Array>)[] = [];
  runs = 0;
  sawAbort = false;

  protected async *run(_text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    this.runs++;
    signal.addEventListener('abort', () => (this.sawAbort = true));
    for (const step of this.steps) yield await step();
  }
}

describe('Tts base class', () => {
  it('times first audio and the real-time factor on the injected clock, and frames by ≤ 40 ms', async () => {
    const clock = new FakeClock();
    const tts = new ScriptedTts(clock);
    tts.steps = [
      () => {
        clock.t += 25; // 25 ms to the first audio
        return new Int16Array(1_000).fill(100); // 100 ms
      },
      () => {
        clock.t += 75;
        return new Int16Array(1_000).fill(100);
      },
    ];
    const stream = tts.synthesize('Hello.');
    const frames = [];
    for await (const f of stream) frames.push(f);
    // 40 ms at 10 kHz = 400 samples: 1,000 → 400 + 400 + 200, twice.
    expect(frames.map((f) => f.pcm.length)).toEqual([400, 400, 200, 400, 400, 200]);
    expect(frames.map((f) => f.offsetMs)).toEqual([0, 40, 80, 100, 140, 180]);
    expect(stream.metrics).toEqual({
      chars: 6,
      firstAudioMs: 25,
      audioMs: 200,
      totalMs: 100,
      realTimeFactor: 0.5,
      aborted: false,
    });
  });

  it('empty or whitespace text never reaches the provider', async () => {
    const tts = new ScriptedTts(new FakeClock());
    for (const text of ['', ' ', '\n\t ']) {
      const r = await tts.synthesizeAll(text);
      expect(r.pcm.length).toBe(0);
      expect(r.metrics.audioMs).toBe(0);
    }
    expect(tts.runs).toBe(0);
  });

  it('an abort ends the stream at once, even while the provider is stuck, and the provider hears it', async () => {
    const tts = new ScriptedTts(new FakeClock());
    tts.steps = [() => new Int16Array(100), () => new Promise<Int16Array>(() => undefined)];
    const ac = new AbortController();
    const stream = tts.synthesize('Hello.', { signal: ac.signal });
    let frames = 0;
    setTimeout(() => ac.abort(), 20);
    for await (const _ of stream) frames++;
    expect(frames).toBe(1);
    expect(stream.metrics.aborted).toBe(true);
    expect(tts.sawAbort).toBe(true);
  });

  it('a consumer that stops early stops the provider too', async () => {
    const tts = new ScriptedTts(new FakeClock());
    tts.steps = [() => new Int16Array(100), () => new Int16Array(100)];
    for await (const _ of tts.synthesize('Hello.')) break;
    expect(tts.sawAbort).toBe(true);
  });

  it('provider failures become TtsErrors naming the provider; the next synthesis works', async () => {
    const tts = new ScriptedTts(new FakeClock());
    tts.steps = [
      () => {
        throw new Error('boom\nstack');
      },
    ];
    const err = await tts.synthesizeAll('Hello.').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    expect((err as TtsError).message).toBe('Scripted failed: boom');
    expect((err as TtsError).retryable).toBe(true);
    tts.steps = [() => new Int16Array(10)];
    expect((await tts.synthesizeAll('Again.')).pcm.length).toBe(10);
  });

  it('a stream is iterated once', async () => {
    const tts = new ScriptedTts(new FakeClock());
    const stream = tts.synthesize('Hi.');
    for await (const _ of stream);
    await expect(async () => {
      for await (const _ of stream);
    }).rejects.toThrow('iterated once');
  });
});
