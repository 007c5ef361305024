/**
 * The virtual speaker reports what a real player would: audible when the first frame arrives, ended
 * when the last queued sample has played (real time on the engine clock, never early), later when
 * frames arrive after the queue ran dry, and at once with the played share on an interrupt. A turn's
 * trailing digital silence (a voice's padding) is not speech: the end is dated at the last audible
 * sample, so the next gap counts it. The tap gets every frame with its play time.
 */
import { describe, expect, it } from 'vitest';
import { TTS_AUDIO, type AudioFrame } from '../../src/shared/audio-frames';
import { systemClock } from '../../src/main/engine/clock';
import { VirtualSpeaker } from '../../src/main/engine/conversation/virtual-speaker';
import type { PlaybackReport } from '../../src/main/engine/turn';

const RATE = 16_000;
const frame = (turn: number, ms: number, seq = 0): AudioFrame => ({
  kind: TTS_AUDIO,
  laneId: 'a',
  seq,
  turn,
  atMs: systemClock.now(),
  sampleRate: RATE,
  samples: new Int16Array((ms * RATE) / 1000),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function speaker() {
  const started: { turnId: string; audibleAtMs: number }[] = [];
  const ended: (PlaybackReport & { turnId: string; atMs: number })[] = [];
  const s = new VirtualSpeaker(systemClock, {
    playbackStarted: (_lane, turnId, audibleAtMs) => started.push({ turnId, audibleAtMs }),
    playbackEnded: (_lane, turnId, report) => ended.push({ ...report, turnId, atMs: systemClock.now() }),
  });
  return { s, started, ended };
}

describe('virtual speaker', () => {
  it('plays queued audio in real time and reports its end, not before', async () => {
    const { s, started, ended } = speaker();
    const t0 = systemClock.now();
    s.frame(frame(1, 100));
    s.frame(frame(1, 100, 1));
    s.frame(frame(1, 0, 2));
    expect(started).toEqual([{ turnId: 'a-1', audibleAtMs: expect.closeTo(t0, 0) }]);
    await sleep(150);
    expect(ended).toHaveLength(0);
    await sleep(150);
    expect(ended).toHaveLength(1);
    expect(ended[0]!.playedMs).toBeCloseTo(200, 6);
    expect(ended[0]!.endedAtMs - started[0]!.audibleAtMs).toBeCloseTo(200, 6);
    expect(ended[0]!.atMs).toBeGreaterThanOrEqual(ended[0]!.endedAtMs);
    expect(ended[0]!.interrupted).toBe(false);
  });

  it('an underrun delays the end: audio that arrives late plays late', async () => {
    const { s, started, ended } = speaker();
    s.frame(frame(2, 50));
    await sleep(120);
    s.frame(frame(2, 50, 1));
    const lateMs = systemClock.now();
    s.frame(frame(2, 0, 2));
    await sleep(100);
    expect(ended).toHaveLength(1);
    expect(ended[0]!.playedMs).toBeCloseTo(100, 6);
    expect(ended[0]!.endedAtMs).toBeCloseTo(lateMs + 50, 0);
    expect(ended[0]!.endedAtMs - started[0]!.audibleAtMs).toBeGreaterThan(160);
  });

  it('an interrupt ends playback at once with what was heard', async () => {
    const { s, ended } = speaker();
    s.frame(frame(3, 1_000));
    await sleep(100);
    s.interrupt('a', 'a-3');
    s.interrupt('a', 'a-3');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.interrupted).toBe(true);
    expect(ended[0]!.playedMs).toBeGreaterThan(90);
    expect(ended[0]!.playedMs).toBeLessThan(200);
    s.close();
  });

  it('dates the end at the last audible sample, reported once the padding has played', async () => {
    // A gap measured from the end of a voice's padding would miss silence the listener sits through.
    const { s, started, ended } = speaker();
    const speech = frame(4, 100);
    speech.samples.fill(3_000);
    s.frame(speech);
    s.frame(frame(4, 150, 1)); // digital silence, as espeak pads a line
    s.frame(frame(4, 0, 2));
    await sleep(180);
    expect(ended).toHaveLength(0);
    await sleep(150);
    expect(ended).toHaveLength(1);
    expect(ended[0]!.endedAtMs - started[0]!.audibleAtMs).toBeCloseTo(100, 6);
    expect(ended[0]!.playedMs).toBeCloseTo(250, 6);
    expect(ended[0]!.atMs - started[0]!.audibleAtMs).toBeGreaterThanOrEqual(250);
  });

  it('hands each frame to the tap with the time it plays, and an interrupt as a cut', async () => {
    const { s } = speaker();
    const played: { startAtMs: number; samples: number }[] = [];
    const cuts: number[] = [];
    s.setTap({
      played: (_lane, samples, _rate, startAtMs) => played.push({ startAtMs, samples: samples.length }),
      cut: (_lane, atMs) => cuts.push(atMs),
    });
    s.frame(frame(5, 100));
    s.frame(frame(5, 100, 1));
    // Both frames were sent at once; the second plays when the first ends, not when it was sent.
    expect(played[1]!.startAtMs - played[0]!.startAtMs).toBeCloseTo(100, 6);
    await sleep(50);
    s.interrupt('a', 'a-5');
    expect(cuts).toHaveLength(1);
    expect(cuts[0]! - played[0]!.startAtMs).toBeGreaterThanOrEqual(45);
    s.close();
  });
});
