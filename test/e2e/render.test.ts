/**
 * `dialtone render` tells the truth: a short two-lane race is rendered in real Chromium and its
 * written files are analysed, not the page's own figures. Each check names the bug it catches:
 * a WebM without a duration (players cannot seek), video and audio of different lengths, the wrong
 * codecs or a mono mix, channels swapped (the fast lane must be the left voice), gaps shortened or
 * stretched by the recorder or a voice's padding, and cues timed from text generation instead of
 * audible speech. Every silence and onset is measured in the WAV itself (RMS over 10 ms windows).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/main/engine/audio/wav';
import { readWebm } from '../../src/main/video/webm';
import { renderRace, type RenderResult } from '../../src/main/video/render-run';
import type { RunJson } from '../../src/shared/run-json';
import { demix, nearestOnset, soundEndBefore, stereo, voicedWindows, webmAudio } from './render-sound';

const dir = mkdtempSync(join(tmpdir(), 'dialtone-render-'));
const FAST = 'sim:tps=4000,ttft=60';
const SLOW = 'sim:tps=400,ttft=700';
let result: RenderResult;
let run: RunJson;
/** Each lane's voice recovered from the stereo mix (see `demix`), 48 kHz. */
let voices: [Float32Array, Float32Array];
/** The same from the WebM's own audio track, decoded as a player would. */
let videoVoices: [Float32Array, Float32Array];
/** Engine time of the recording's first sample, as BASE.json states it. */
let startedAtMs: number;

beforeAll(async () => {
  result = await renderRace({
    scenario: { name: 'goodbye', title: 'Two bots who cannot say goodbye' },
    laneSpecs: [FAST, SLOW],
    maxTurns: 4,
    width: 1920,
    height: 1080,
    burnCaptions: true,
    outBase: join(dir, 'race'),
    env: {},
    titleHoldMs: 1_000,
    finalHoldMs: 1_500,
  });
  run = JSON.parse(readFileSync(result.json, 'utf8')) as RunJson;
  voices = demix(...stereo(readFileSync(result.audio)));
  videoVoices = demix(...(await webmAudio(readFileSync(result.video))));
  startedAtMs = run.recordingStartAtMs!;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vttStarts(): number[] {
  const text = readFileSync(result.subtitles[0], 'utf8');
  return [...text.matchAll(/^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> /gm)].map(
    (m) => ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]),
  );
}

describe('dialtone render: the files are the claim', () => {
  it('writes a WebM with a duration and cues, as long as its WAV (a WebM without duration; video and audio apart)', () => {
    const info = readWebm(readFileSync(result.video));
    expect(info.durationMs).not.toBeNull();
    expect(info.hasCues).toBe(true);
    const wav = decodeWav(readFileSync(result.audio), 'race.wav');
    expect(wav.sampleRate).toBe(48_000);
    // decodeWav gives one (mixed) sample per frame.
    const wavMs = (wav.samples.length / wav.sampleRate) * 1000;
    expect(Math.abs(info.durationMs! - wavMs) / wavMs).toBeLessThan(0.02);
    expect(result.durationMs).toBe(info.durationMs);
    // The header's duration is the longest track's: the picture itself must run from start to end
    // too (a canvas that stopped painting still leaves an audio track as long as the WAV).
    const video = info.tracks.find((t) => t.kind === 'video')!;
    expect(video.firstBlockMs!).toBeLessThan(wavMs * 0.02);
    expect(Math.abs(video.lastBlockMs! - wavMs) / wavMs).toBeLessThan(0.02);
  });

  it('holds VP9 or VP8 video at the asked size and stereo Opus audio (wrong codecs; a mono mix)', () => {
    const info = readWebm(readFileSync(result.video));
    const video = info.tracks.find((t) => t.kind === 'video')!;
    const audio = info.tracks.find((t) => t.kind === 'audio')!;
    expect(['V_VP9', 'V_VP8']).toContain(video.codec);
    expect([video.width, video.height]).toEqual([1920, 1080]);
    expect(video.blocks).toBeGreaterThan(0);
    expect(audio.codec).toBe('A_OPUS');
    expect(audio.channels).toBe(2);
  });

  it("holds each gap of the run as silence in the WAV, within 50 ms, per lane (gaps changed by the recorder or a voice's padding; channels swapped)", () => {
    // Acoustic on both ends: from the last sound of one line to the first sound of the next line on
    // the same lane's voice. The reported times only say which onset belongs to which line.
    expect(run.lanes.map((l) => l.stoppedBy)).toEqual(['max-turns', 'max-turns']);
    expect(typeof startedAtMs).toBe('number');
    let checked = 0;
    run.lanes.forEach((lane, i) => {
      const voiced = voicedWindows(voices[i]!, 48_000);
      lane.turns.forEach((turn, k) => {
        if (k === 0) return;
        expect(turn.gapMs, `${lane.label}: "${turn.text}" has no gap`).not.toBeNull();
        const onset = nearestOnset(voiced, turn.audibleAtMs! - startedAtMs);
        expect(onset, `${lane.label}: "${turn.text}" is not in its channel`).not.toBeNull();
        const end = soundEndBefore(voiced, onset!);
        expect(end, `${lane.label}: nothing sounds before "${turn.text}"`).not.toBeNull();
        // The sound before the silence is the previous line's, not a pause inside this one.
        const previousOnset = nearestOnset(voiced, lane.turns[k - 1]!.audibleAtMs! - startedAtMs)!;
        expect(end!).toBeGreaterThan(previousOnset);
        const silenceMs = onset! - end!;
        expect(
          Math.abs(silenceMs - turn.gapMs!),
          `${lane.label}: "${turn.text}" silence ${silenceMs} ms vs gap`,
        ).toBeLessThanOrEqual(50);
        checked++;
      });
    });
    expect(checked).toBe(6);
  });

  it('starts each caption within 100 ms of the speech it captions, in the WAV and in the video (cues from text generation time; video audio shifted)', () => {
    const vtt = readFileSync(result.subtitles[0], 'utf8');
    const srt = readFileSync(result.subtitles[1], 'utf8');
    const starts = vttStarts();
    const lines = run.lanes.flatMap((lane, i) => lane.turns.map((t) => ({ lane: i, label: lane.label, t })));
    expect(starts).toHaveLength(lines.length);
    expect(srt.match(/-->/g)).toHaveLength(lines.length);
    for (const { lane, label, t } of lines) {
      expect(vtt).toContain(`${t.speaker} (${label}): ${t.text}`.replace(/&/g, '&amp;'));
      const cueMs = t.audibleAtMs! - startedAtMs;
      expect(starts.some((s) => Math.abs(s - cueMs) < 1)).toBe(true);
      const onset = nearestOnset(voicedWindows(voices[lane]!, 48_000), cueMs);
      expect(Math.abs(onset! - cueMs), `${label}: "${t.text}" onset vs cue`).toBeLessThanOrEqual(100);
      // The subtitles travel with the video: its own audio track must speak the line there too
      // (a recorder whose audio starts apart from the WAV's first sample would shift every cue).
      const heard = nearestOnset(voicedWindows(videoVoices[lane]!, 48_000), cueMs);
      expect(Math.abs(heard! - cueMs), `${label}: "${t.text}" in the video vs cue`).toBeLessThanOrEqual(100);
    }
  });
});
