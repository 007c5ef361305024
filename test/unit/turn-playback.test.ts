/**
 * Regression: a turn that ended early (its player reported, or it was cancelled) left a timer as long
 * as its whole audio pending, which kept `dialtone web` alive ~12 s after Ctrl+C.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitForPlayback, type PlaybackWatch } from '../../src/main/engine/turn-playback';
import type { PlaybackReport } from '../../src/main/engine/turn-plan';

const AUDIO_MS = 10_000;

function watch(signal: AbortSignal): { w: PlaybackWatch; report: (r: PlaybackReport) => void } {
  let given: PlaybackReport | null = null;
  let settle: () => void = () => {};
  const reported = new Promise<void>((resolve) => (settle = resolve));
  const w: PlaybackWatch = {
    clock: { now: () => Date.now() },
    signal,
    firstAudioAtMs: Date.now(),
    totalAudioMs: () => AUDIO_MS,
    audibleAtMs: () => null,
    report: () => given,
    reported,
  };
  return {
    w,
    report: (r) => {
      given = r;
      settle();
    },
  };
}

describe('waiting for a turn to be heard', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("returns the player's report and leaves no timer behind", async () => {
    const { w, report } = watch(new AbortController().signal);
    const done = waitForPlayback(w);
    await vi.advanceTimersByTimeAsync(100);
    const heard = { playedMs: 100, endedAtMs: Date.now(), interrupted: false };
    report(heard);
    await expect(done).resolves.toEqual(heard);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a cancelled turn waits briefly for the report, then leaves no timer behind', async () => {
    const abort = new AbortController();
    const { w } = watch(abort.signal);
    const done = waitForPlayback(w);
    await vi.advanceTimersByTimeAsync(50);
    abort.abort();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(done).resolves.toMatchObject({ interrupted: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without a player, assumes the audio played in real time plus the grace', async () => {
    const { w } = watch(new AbortController().signal);
    const done = waitForPlayback(w);
    await vi.advanceTimersByTimeAsync(AUDIO_MS + 2_000);
    await expect(done).resolves.toMatchObject({ playedMs: AUDIO_MS, interrupted: false });
    expect(vi.getTimerCount()).toBe(0);
  });
});
