/**
 * The virtual speaker reports what a real player would: audible when the first frame arrives, ended
 * when the last queued sample has played (real time on the engine clock, never early), later when
 * frames arrive after the queue ran dry, and at once with the played share on an interrupt.
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
});
