/**
 * `dialtone render` tells the truth: a short two-lane race is rendered in real Chromium and its
 * written files are analysed, not the page's own figures. Each check names the bug it catches:
 * a WebM without a duration (players cannot seek), video and audio of different lengths, the wrong
 * codecs or a mono mix, channels swapped (the fast lane must be the left voice), gaps shortened or
 * stretched by the recorder, and cues timed from text generation instead of audible speech.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/main/engine/audio/wav';
import { readWebm } from '../../src/main/video/webm';
import { renderRace, type RenderResult } from '../../src/main/video/render-run';
import type { RunJson } from '../../src/main/video/run-json';

const dir = mkdtempSync(join(tmpdir(), 'dialtone-render-'));
const FAST = 'sim:tps=4000,ttft=60';
const SLOW = 'sim:tps=400,ttft=700';
let result: RenderResult;
let run: RunJson;
/** Each lane's voice recovered from the stereo mix (see `demix`), 48 kHz. */
let voices: [Float32Array, Float32Array];
let startedAtMs: number;

/** Stereo panner gains of a mono voice at pan p (Web Audio's equal-power law). */
function panGains(p: number): [number, number] {
  const x = ((p + 1) / 2) * (Math.PI / 2);
  return [Math.cos(x), Math.sin(x)];
}

/**
 * The race pans lane 1 to -0.7 and lane 2 to +0.7 (race-actions.ts): each channel is a known mix of
 * the two voices, so inverting that 2×2 mix gives each lane's voice alone even where both speak.
 */
function demix(left: Float32Array, right: Float32Array): [Float32Array, Float32Array] {
  const [aL, aR] = panGains(-0.7);
  const [bL, bR] = panGains(0.7);
  const det = aL * bR - bL * aR;
  const a = new Float32Array(left.length);
  const b = new Float32Array(left.length);
  for (let i = 0; i < left.length; i++) {
    a[i] = (bR * left[i]! - bL * right[i]!) / det;
    b[i] = (aL * right[i]! - aR * left[i]!) / det;
  }
  return [a, b];
}

/**
 * The two channels of the 16-bit stereo WAV the command wrote (decodeWav mixes to mono, and the
 * channels are the point here): the interleaved samples of its data chunk.
 */
function stereo(file: Buffer): [Float32Array, Float32Array] {
  const header = decodeWav(file, 'race.wav');
  expect([header.channels, header.bitsPerSample, header.sampleRate]).toEqual([2, 16, 48_000]);
  let at = 12;
  while (file.toString('ascii', at, at + 4) !== 'data') at += 8 + file.readUInt32LE(at + 4);
  const frames = file.readUInt32LE(at + 4) / 4;
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = file.readInt16LE(at + 8 + 4 * i) / 32768;
    right[i] = file.readInt16LE(at + 8 + 4 * i + 2) / 32768;
  }
  return [left, right];
}

const WINDOW_MS = 10;
/** Whether each 10 ms window holds sound (RMS above -50 dBFS). */
function voicedWindows(samples: Float32Array, rate: number): boolean[] {
  const n = Math.round((rate * WINDOW_MS) / 1000);
  const out: boolean[] = [];
  for (let i = 0; i + n <= samples.length; i += n) {
    let sum = 0;
    for (let j = i; j < i + n; j++) sum += samples[j]! * samples[j]!;
    out.push(Math.sqrt(sum / n) > 0.003);
  }
  return out;
}

/** The start of sound (a voiced window after a silent one) nearest to `ms`, ms; null when none. */
function nearestOnset(voiced: boolean[], ms: number): number | null {
  let best: number | null = null;
  for (let w = 0; w < voiced.length; w++) {
    if (!voiced[w] || (w > 0 && voiced[w - 1])) continue;
    const at = w * WINDOW_MS;
    if (best === null || Math.abs(at - ms) < Math.abs(best - ms)) best = at;
  }
  return best;
}

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
  // The VTT's first cue is the first line of some lane: its audible time fixes the recording's start.
  const firstAudible = Math.min(...run.lanes.flatMap((l) => l.turns.map((t) => t.audibleAtMs ?? Infinity)));
  startedAtMs = firstAudible - vttStarts()[0]!;
}, 120_000);

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

  it('keeps each gap of the run in the WAV within 50 ms, per lane (gaps changed by the recorder; channels swapped)', () => {
    // The silence runs from the previous line's reported playback end to this line's first sound.
    // Measured acoustically, the previous line's end comes ~300 ms earlier: the voice's trailing
    // padding is silence that the page player's report (and so gapMs) still counts as speech.
    expect(run.lanes.map((l) => l.stoppedBy)).toEqual(['max-turns', 'max-turns']);
    let checked = 0;
    run.lanes.forEach((lane, i) => {
      const voiced = voicedWindows(voices[i]!, 48_000);
      lane.turns.forEach((turn, k) => {
        const previous = lane.turns[k - 1];
        if (turn.gapMs === null || turn.audibleAtMs === null || !previous?.playbackEndAtMs) return;
        const onset = nearestOnset(voiced, turn.audibleAtMs - startedAtMs);
        expect(onset, `${lane.label}: "${turn.text}" is not in its channel`).not.toBeNull();
        const silenceMs = onset! - (previous.playbackEndAtMs - startedAtMs);
        expect(Math.abs(silenceMs - turn.gapMs), `${lane.label}: "${turn.text}" gap`).toBeLessThanOrEqual(50);
        checked++;
      });
    });
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('starts each caption within 100 ms of the speech it captions (cues from text generation time)', () => {
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
    }
  });
});
