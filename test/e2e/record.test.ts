/**
 * Recording from the app, in web mode in real Chromium: key V starts a recording, a short spoken
 * race runs with two simulated lanes, V stops it, and the five downloaded files are analysed (not
 * the page's own figures). Bugs each check catches: a stop that never writes files, or writes them
 * under different names; a WebM without duration or cues (players cannot seek); a recording without
 * audio, or mono; video and audio of different lengths; subtitles missing a spoken line or timed
 * from text generation instead of audible speech; a run JSON without the turns' text; an indicator
 * that does not show or does not count. Screenshots of the stage while recording go to
 * test-results/record-*.png (not committed).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import type { EngineEvent } from '../../src/shared/protocol';
import type { RunJson } from '../../src/shared/run-json';
import { readWebm, type WebmInfo } from '../../src/main/video/webm';
import { stereo as stereoChannels } from './render-sound';
import { appReady, openApp, openEngineSocket, type EngineSocket, type OpenApp, until } from './app';

const SHOTS = 'test-results';
const FAST = 'sim:tps=5000,ttft=0';
const SLOW = 'sim:tps=1500,ttft=400';
const dataDir = mkdtempSync(join(tmpdir(), 'dialtone-record-'));
const saveDir = mkdtempSync(join(tmpdir(), 'dialtone-record-files-'));

let app: OpenApp;
let page: Page;
let ws: EngineSocket;
const events: EngineEvent[] = [];
const downloads: Download[] = [];
/** The downloaded files by extension. */
const files = new Map<string, Buffer>();
const names: string[] = [];
const indicatorTexts: string[] = [];
let statusText = '';
let buttonText = '';

type Progress = Extract<EngineEvent, { type: 'scenario.progress' }>;
const progress = (): Progress[] => events.filter((e): e is Progress => e.type === 'scenario.progress');

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openApp({ env: { DIALTONE_DATA_DIR: dataDir } });
  page = app.page;
  page.on('download', (d) => downloads.push(d));
  await page.setViewportSize({ width: 1920, height: 1080 });
  await appReady(page);
  ws = await openEngineSocket(app, (event) => events.push(event));

  // V is the user's gesture that also lets the audio start.
  await page.keyboard.press('v');
  const indicator = page.getByTestId('rec-indicator');
  await indicator.waitFor();
  indicatorTexts.push((await indicator.textContent()) ?? '');
  ws.send({
    type: 'scenario.start',
    scenario: 'goodbye',
    lanes: [
      { spec: FAST, label: 'fast' },
      { spec: SLOW, label: 'slow' },
    ],
    maxTurns: 4,
    speech: true,
    playback: 'client',
  });
  await page.getByTestId('stage-view').waitFor();
  await until(() => progress().length >= 3, 'three spoken lines', 40_000);
  await page.screenshot({ path: join(SHOTS, 'record-1920x1080.png') });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: join(SHOTS, 'record-1280x720.png') });
  await until(
    () => events.filter((e) => e.type === 'scenario.finished').length === 2,
    'both lanes finished',
    60_000,
  );
  indicatorTexts.push((await indicator.textContent()) ?? '');
  // A moment of the final card, then stop with the button this time (the key started it).
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  buttonText = (await page.getByTestId('record-button').textContent()) ?? '';
  await page.getByTestId('record-button').click();
  await until(() => downloads.length === 5, 'five downloads', 60_000);
  for (const d of downloads) {
    const path = join(saveDir, d.suggestedFilename());
    await d.saveAs(path);
    names.push(d.suggestedFilename());
    files.set(d.suggestedFilename().split('.').pop()!, readFileSync(path));
  }
  statusText = (await page.getByTestId('record-status').textContent()) ?? '';
}, 180_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(saveDir, { recursive: true, force: true });
});

/** The recording's WAV: 48 kHz 16-bit stereo, its two channels. */
function stereo(file: Buffer): { rate: number; left: Float32Array; right: Float32Array } {
  const [left, right] = stereoChannels(file);
  return { rate: 48_000, left, right };
}

/** RMS of both channels over [fromMs, toMs). */
function rms(wav: ReturnType<typeof stereo>, fromMs: number, toMs: number): number {
  const a = Math.max(0, Math.round((fromMs * wav.rate) / 1000));
  const b = Math.min(wav.left.length, Math.round((toMs * wav.rate) / 1000));
  let sum = 0;
  for (let i = a; i < b; i++) sum += wav.left[i]! ** 2 + wav.right[i]! ** 2;
  return b > a ? Math.sqrt(sum / (2 * (b - a))) : 0;
}

/** Start and end of each WebVTT cue, ms. */
function vttCues(vtt: string): { startMs: number; endMs: number; text: string }[] {
  const ms = (t: string): number => {
    const [h, m, s] = t.split(':');
    return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
  };
  return [...vtt.matchAll(/(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n(.+)/g)].map((m) => ({
    startMs: ms(m[1]!),
    endMs: ms(m[2]!),
    text: m[3]!,
  }));
}

describe('recording from the app (web mode)', () => {
  it('shows REC with a running elapsed time while recording, and says what it saved', () => {
    expect(indicatorTexts[0]).toMatch(/REC\s*0:0\d/);
    // The race took seconds: the clock moved (an indicator that never counts would still read 0:00).
    expect(indicatorTexts[1]).toMatch(/REC\s*\d+:\d\d/);
    expect(indicatorTexts[1]).not.toBe(indicatorTexts[0]);
    expect(buttonText).toMatch(/Stop recording/);
    expect(statusText).toMatch(/^Downloaded dialtone-.*\.webm/);
  });

  it('stop writes five files with one name (a stop that never writes files, or scatters them)', () => {
    expect(names).toHaveLength(5);
    const base = names[0]!.replace(/\.\w+$/, '');
    expect(base).toMatch(/^dialtone-\d{4}-\d\d-\d\d-\d{4}$/);
    expect([...names].sort()).toEqual(['json', 'srt', 'vtt', 'wav', 'webm'].map((e) => `${base}.${e}`));
  });

  let webm: WebmInfo;
  it('the WebM has a duration and cues, 1080p video and stereo Opus (a file players cannot seek)', () => {
    webm = readWebm(files.get('webm')!);
    expect(webm.durationMs).not.toBeNull();
    expect(webm.hasCues).toBe(true);
    const video = webm.tracks.find((t) => t.kind === 'video')!;
    const audio = webm.tracks.find((t) => t.kind === 'audio')!;
    expect(video.codec).toMatch(/^V_VP[89]$/);
    expect([video.width, video.height]).toEqual([1920, 1080]);
    expect(audio.codec).toBe('A_OPUS');
    expect(audio.channels).toBe(2);
    // The composition was drawn throughout: frames at close to 30 fps (generous on a shared machine).
    expect(video.blocks).toBeGreaterThan((webm.durationMs! / 1000) * 10);
    console.log(
      `recording: ${Math.round(webm.durationMs!)} ms, ${video.codec} ${video.blocks} frames, ` +
        `${files.get('webm')!.length} bytes WebM, ${files.get('wav')!.length} bytes WAV`,
    );
  });

  it('the WAV holds the race: sound where each line was spoken, silence is not all there is (a recording without audio)', () => {
    const wav = stereo(files.get('wav')!);
    const wavMs = (wav.left.length / wav.rate) * 1000;
    // Video and audio last as long as each other (a recorder stopping one before the other).
    expect(Math.abs(wavMs - webm.durationMs!) / wavMs).toBeLessThan(0.05);
    const cues = vttCues(files.get('vtt')!.toString('utf8'));
    expect(cues.length).toBeGreaterThan(0);
    for (const cue of cues) {
      // Speech at -40 dBFS or more over the line's first second, near silence before the race.
      expect(rms(wav, cue.startMs, Math.min(cue.endMs, cue.startMs + 1_000)), cue.text).toBeGreaterThan(0.01);
    }
    expect(rms(wav, 0, Math.max(0, cues[0]!.startMs - 300))).toBeLessThan(0.01);
    // Both channels carry a voice: the race pans its lanes left and right (a mono mix).
    expect(rms({ ...wav, right: wav.left }, 0, wavMs)).toBeGreaterThan(0.005);
    expect(rms({ ...wav, left: wav.right }, 0, wavMs)).toBeGreaterThan(0.005);
  });

  it('has one subtitle per spoken line, each naming its speaker and lane (a line lost from the captions)', () => {
    const cues = vttCues(files.get('vtt')!.toString('utf8'));
    const lines = progress().filter((p) => p.timeline?.at.audibleAtMs != null);
    const started = events.find((e) => e.type === 'scenario.started');
    const labels = Object.fromEntries(
      (started?.type === 'scenario.started' ? started.lanes : []).map((l) => [l.laneId, l.label]),
    );
    expect(cues).toHaveLength(lines.length);
    for (const line of lines) {
      const text = `${line.speaker} (${labels[line.laneId]}): ${line.text}`.replace(/&/g, '&amp;');
      expect(cues.some((c) => c.text === text)).toBe(true);
    }
    expect(files.get('srt')!.toString('utf8').match(/-->/g)).toHaveLength(lines.length);
    // A cue's gap to the next equals the engine's audible times (cues timed from the playback timeline).
    const audible = lines.map((l) => l.timeline!.at.audibleAtMs!).sort((a, b) => a - b);
    const starts = cues.map((c) => c.startMs);
    for (let i = 1; i < audible.length; i++) {
      expect(Math.abs(starts[i]! - starts[0]! - (audible[i]! - audible[0]!))).toBeLessThanOrEqual(2);
    }
  });

  it('the run JSON has both lanes with every line and its text (an export without the words)', () => {
    const run = JSON.parse(files.get('json')!.toString('utf8')) as RunJson;
    expect(run.scenario).toBe('goodbye');
    expect(run.lanes.map((l) => [l.label, l.stoppedBy])).toEqual([
      ['fast', 'max-turns'],
      ['slow', 'max-turns'],
    ]);
    for (const lane of run.lanes) {
      expect(lane.turns).toHaveLength(4);
      for (const t of lane.turns) expect(t.text.length).toBeGreaterThan(0);
    }
  });
});
