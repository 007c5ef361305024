import { describe, expect, it } from 'vitest';
import {
  Endpointer,
  VoiceActivityDetector,
  type VadEvent,
  type VadOptions,
} from '../../src/main/engine/vad/endpointer';
import { FRAME_MS, FRAME_SAMPLES, type VadModel } from '../../src/main/engine/vad/model';

/**
 * A scripted model: the probability of frame i is script[i] (0 after the end). Each frame's samples
 * all hold the frame's index, so the utterance audio shows exactly which frames it kept.
 */
function scripted(script: number[]): VadModel & { calls: number } {
  const model = {
    calls: 0,
    async process(frame: Float32Array): Promise<number> {
      expect(frame.length).toBe(FRAME_SAMPLES);
      return script[model.calls++] ?? 0;
    },
    reset() {
      model.calls = 0;
    },
  };
  return model;
}

const frames = (n: number, from = 0): Float32Array => {
  const out = new Float32Array(n * FRAME_SAMPLES);
  for (let i = 0; i < n; i++) out.fill(from + i, i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES);
  return out;
};

/** Runs `script` (one probability per frame, plus `tail` frames of 0) and returns all events. */
async function run(script: number[], opts: VadOptions = {}, tail = 20): Promise<VadEvent[]> {
  const vad = new VoiceActivityDetector(scripted(script), opts);
  const events = await vad.push(frames(script.length + tail));
  return [...events, ...(await vad.flush())];
}

/** Frames of each kept audio, by index. */
const framesOf = (audio: Float32Array): number[] =>
  Array.from({ length: audio.length / FRAME_SAMPLES }, (_, i) => audio[i * FRAME_SAMPLES]!);

const seq = (...parts: Array<[number, number]>): number[] =>
  parts.flatMap(([p, n]) => Array<number>(n).fill(p));

describe('endpointer (scripted model, time in frames)', () => {
  it('start at the first voiced frame, end at the end of the last, endpoint one window later', async () => {
    // 5 silent frames, 10 voiced (frames 5–14), then silence.
    const events = await run(seq([0.1, 5], [0.9, 10]), { silenceMs: 300, minSpeechMs: 96, preRollMs: 0 });
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(events[0]).toEqual({ type: 'start', atMs: 5 * FRAME_MS, decidedMs: 8 * FRAME_MS });
    const end = events[1] as Extract<VadEvent, { type: 'end' }>;
    expect(end.startMs).toBe(5 * FRAME_MS);
    expect(end.atMs).toBe(15 * FRAME_MS);
    // 300 ms = 9.4 frames → decided after 10 silent frames: exactly ceil(window / frame) frames after.
    expect(end.endpointMs).toBe(end.atMs + 10 * FRAME_MS);
    expect(end.endpointMs - end.atMs).toBeGreaterThanOrEqual(300);
    expect(end.endpointMs - end.atMs).toBeLessThan(300 + FRAME_MS);
  });

  it('decides the endpoint on the frame the window elapses, not before (frame by frame)', async () => {
    const model = scripted(seq([0.9, 4]));
    const vad = new VoiceActivityDetector(model, { silenceMs: 64, minSpeechMs: 0, preRollMs: 0 });
    const seen: Array<[number, string[]]> = [];
    for (let i = 0; i < 8; i++) seen.push([i, (await vad.push(frames(1, i))).map((e) => e.type)]);
    expect(seen.filter(([, t]) => t.length)).toEqual([
      [0, ['start']],
      [5, ['end']], // last voiced frame 3; 64 ms = 2 frames → decided at the end of frame 5
    ]);
  });

  it('hysteresis: opens only at the positive threshold, stays open down to the negative one', async () => {
    const opts = {
      positiveThreshold: 0.6,
      negativeThreshold: 0.3,
      minSpeechMs: 0,
      preRollMs: 0,
      silenceMs: 96,
    };
    // 0.5 never opens; after opening, 0.4 frames count as voiced.
    const events = await run([0.5, 0.5, 0.7, 0.4, 0.4, 0.4, 0.2, 0.5], opts);
    expect(events[0]).toMatchObject({ type: 'start', atMs: 2 * FRAME_MS });
    // Frame 7 (0.5) is above the negative threshold: still voiced, so the region ends after it.
    expect(events[1]).toMatchObject({ type: 'end', startMs: 2 * FRAME_MS, atMs: 8 * FRAME_MS });
    expect(await run(seq([0.5, 30]), opts)).toEqual([]);
  });

  it('minimum speech: a short burst is a misfire (no events); a long enough one starts at its first frame', async () => {
    const opts = { minSpeechMs: 96, preRollMs: 0 }; // 3 frames
    expect(await run(seq([0, 3], [0.9, 2]), opts)).toEqual([]);
    const events = await run(seq([0, 3], [0.9, 3]), opts);
    expect(events[0]).toEqual({ type: 'start', atMs: 3 * FRAME_MS, decidedMs: 6 * FRAME_MS });
  });

  it('pauses shorter than the silence window merge; longer ones split', async () => {
    const opts = { silenceMs: 300, minSpeechMs: 0, preRollMs: 0 };
    const merged = await run(seq([0.9, 5], [0, 9], [0.9, 5]), opts); // 9 frames = 288 ms < 300
    expect(merged.map((e) => e.type)).toEqual(['start', 'end']);
    expect(merged[1]).toMatchObject({ startMs: 0, atMs: 19 * FRAME_MS });
    const split = await run(seq([0.9, 5], [0, 10], [0.9, 5]), opts); // 10 frames = 320 ms ≥ 300
    expect(split.map((e) => e.type)).toEqual(['start', 'end', 'start', 'end']);
    expect(split[1]).toMatchObject({ startMs: 0, atMs: 5 * FRAME_MS, endpointMs: 15 * FRAME_MS });
    expect(split[2]).toMatchObject({ atMs: 15 * FRAME_MS });
  });

  it('pre-roll: the utterance audio starts preRollMs before the first voiced frame and ends as long after', async () => {
    const events = await run(seq([0, 10], [0.9, 4]), { preRollMs: 200, minSpeechMs: 0 }); // 200 ms → 7 frames
    const end = events.find((e) => e.type === 'end')!;
    expect(end.type === 'end' && framesOf(end.audio)).toEqual([
      3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
    expect(end.type === 'end' && end.audioStartMs).toBe(3 * FRAME_MS);
  });

  it('pre-roll is cut at the start of the stream and after the previous utterance', async () => {
    const first = await run(seq([0, 2], [0.9, 3]), { preRollMs: 200, minSpeechMs: 0, silenceMs: 64 });
    const a = first.find((e) => e.type === 'end')!;
    expect(a.type === 'end' && framesOf(a.audio).slice(0, 3)).toEqual([0, 1, 2]);
    const two = await run(seq([0.9, 2], [0, 3], [0.9, 2]), { preRollMs: 200, minSpeechMs: 0, silenceMs: 64 });
    const ends = two.filter((e) => e.type === 'end');
    expect(ends).toHaveLength(2);
    // The second utterance's pre-roll holds only the frames after the first one's last voiced frame.
    expect(ends[1]!.type === 'end' && framesOf(ends[1]!.audio)[0]).toBe(2);
  });

  it('accepts any chunk size and keeps stream time exact; flush ends open speech at the stream end', async () => {
    const model = scripted(seq([0, 3], [0.9, 50]));
    const vad = new VoiceActivityDetector(model, { minSpeechMs: 0, preRollMs: 0 });
    const all = frames(20);
    const events: VadEvent[] = [];
    // 320-sample chunks (20 ms capture frames), pushed without awaiting: calls are serialized.
    const pushes = [];
    for (let at = 0; at < all.length; at += 320) pushes.push(vad.push(all.subarray(at, at + 320)));
    for (const p of pushes) events.push(...(await p));
    expect(model.calls).toBe(20);
    expect(vad.voicedMs()).toBe(17 * FRAME_MS);
    expect(vad.speaking).toBe(true);
    events.push(...(await vad.flush()));
    expect(events).toMatchObject([
      { type: 'start', atMs: 3 * FRAME_MS },
      { type: 'end', startMs: 3 * FRAME_MS, atMs: 20 * FRAME_MS, endpointMs: 20 * FRAME_MS },
    ]);
    expect(vad.voicedMs()).toBe(0);
  });

  it('reset starts a new stream at time zero', async () => {
    const model = scripted(seq([0.9, 5]));
    const vad = new VoiceActivityDetector(model, { minSpeechMs: 0 });
    await vad.push(frames(3));
    await vad.reset();
    expect(model.calls).toBe(0);
    expect(await vad.push(frames(1))).toEqual([{ type: 'start', atMs: 0, decidedMs: FRAME_MS }]);
  });

  it('the pure Endpointer takes probabilities directly', () => {
    const ep = new Endpointer({ minSpeechMs: 0, silenceMs: 32, preRollMs: 0 });
    const f = new Float32Array(FRAME_SAMPLES);
    expect(ep.pushFrame(0.9, f)).toMatchObject([{ type: 'start', atMs: 0 }]);
    expect(ep.pushFrame(0.0, f)).toMatchObject([{ type: 'end', atMs: 32, endpointMs: 64 }]);
  });

  it('bad options throw a RangeError naming the option', () => {
    expect(() => new Endpointer({ silenceMs: -1 })).toThrow(/silenceMs/);
    expect(() => new Endpointer({ positiveThreshold: 0.3, negativeThreshold: 0.5 })).toThrow(
      /negativeThreshold/,
    );
    expect(() => new Endpointer({ preRollMs: Number.NaN })).toThrow(/preRollMs/);
  });
});
