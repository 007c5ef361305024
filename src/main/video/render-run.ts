/**
 * Renders a race to video files: the engine with the web build on a free port, a headless Chromium
 * on its `/render` page (src/renderer/src/video/), the race started over an in-process engine client
 * with the page's players timing the audio (`playback: 'client'`), recorded in real time; then the
 * recording is copied out of the page and written as BASE.webm (with duration and cues), BASE.wav
 * (48 kHz stereo), BASE.vtt, BASE.srt and BASE.json.
 */
import { writeFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { EngineEvent } from '../../shared/protocol';
import { redact } from '../../shared/redact';
import { formatSrt, formatVtt } from '../../shared/subtitles';
import { startEngine, type RunningEngine } from '../engine';
import { encodeStereoWav } from '../engine/audio/wav';
import { resample } from '../engine/audio/resample';
import type { EngineClient } from '../engine/engine';
import { launchBrowser } from '../testing/browser';
import { ensureWebBuild } from '../web/build';
import { sampleCpu } from './cpu';
import { raceCues } from './cues';
import { runJson, type RunJson } from '../../shared/run-json';
import { makeSeekable, readWebm } from './webm';

/** The WAV's rate: what editors and video tools expect. */
export const WAV_RATE = 48_000;
/** Chromium will not start audio without a click unless told so. */
export const AUTOPLAY_ARGS = ['--autoplay-policy=no-user-gesture-required'];
/** Bytes per slice copied out of the page (base64 over the devtools protocol). */
const SLICE_BYTES = 3 * 1024 * 1024;

export interface RenderOptions {
  scenario: { name: string; title: string };
  laneSpecs: string[];
  maxTurns?: number;
  width: number;
  height: number;
  burnCaptions: boolean;
  /** Output path without `.webm`: BASE.webm, BASE.wav, … are written. */
  outBase: string;
  codec?: 'vp8' | 'vp9';
  env: Record<string, string | undefined>;
  /** The title card's time before the race starts, and the final card's after it ends. */
  titleHoldMs?: number;
  finalHoldMs?: number;
  onProgress?: (p: RenderProgress) => void;
  log?: (line: string) => void;
  /** Called with the page once the race is running (tests grab a frame from it). */
  onRacing?: (page: Page) => Promise<void> | void;
}

export interface RenderProgress {
  phase: 'title' | 'race' | 'final';
  elapsedMs: number;
  lines: number;
  lanesFinished: number;
}

export interface RenderMeasures {
  wallMs: number;
  engineCpuMs: number;
  browserCpuMs: number | null;
  framesDrawn: number;
  videoFrames: number;
  expectedFrames: number;
  webmBytes: number;
  mimeType: string;
  contextSampleRate: number;
}

export interface RenderResult {
  video: string;
  audio: string;
  subtitles: [string, string];
  json: string;
  run: RunJson;
  durationMs: number;
  width: number;
  height: number;
  measures: RenderMeasures;
}

interface PageStopped {
  mimeType: string;
  webmBytes: number;
  pcmFrames: number;
  sampleRate: number;
  framesDrawn: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function readSlices(page: Page, what: 'webm' | 'left' | 'right', bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes; offset += SLICE_BYTES) {
    const b64 = await page.evaluate(
      ([w, o, n]) =>
        (
          globalThis as unknown as {
            __dialtoneRender: { read(w: string, o: number, n: number): Promise<string> };
          }
        ).__dialtoneRender.read(w, o, n),
      [what, offset, SLICE_BYTES] as const,
    );
    parts.push(Buffer.from(b64, 'base64'));
  }
  return Buffer.concat(parts);
}

function floats(buf: Buffer): Float32Array {
  const copy = new Uint8Array(buf.length);
  copy.set(buf);
  return new Float32Array(copy.buffer, 0, Math.floor(buf.length / 4));
}

export async function renderRace(opts: RenderOptions): Promise<RenderResult> {
  const log = opts.log ?? (() => {});
  const staticDir = await ensureWebBuild(log);
  let engine: RunningEngine | null = null;
  let browser: Browser | null = null;
  try {
    engine = await startEngine({ port: 0, staticDir, env: opts.env });
    browser = await launchBrowser(AUTOPLAY_ARGS);
    const portrait = opts.height > opts.width;
    const page = await browser.newPage({
      viewport: portrait ? { width: 540, height: 960 } : { width: 960, height: 540 },
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const params = new URLSearchParams({
      token: engine.token,
      size: `${opts.width}x${opts.height}`,
      ...(opts.burnCaptions ? { captions: '1' } : {}),
      ...(opts.codec ? { codec: opts.codec } : {}),
    });
    await page.goto(`${engine.httpUrl}/render?${params.toString()}`);
    const ready = await page
      .evaluate(() =>
        (
          globalThis as unknown as { __dialtoneRender: { ready(): Promise<{ sampleRate: number }> } }
        ).__dialtoneRender.ready(),
      )
      .catch((err: Error) => {
        throw new Error(`the render page did not start: ${pageErrors[0] ?? err.message}`);
      });

    const events: EngineEvent[] = [];
    const finished = new Set<string>();
    let failure: string | null = null;
    let wake: () => void = () => {};
    let lines = 0;
    let racing: Promise<void> = Promise.resolve();
    const client: EngineClient = {
      send: (event) => {
        events.push(event);
        if (event.type === 'scenario.finished') finished.add(event.laneId);
        if (event.type === 'error' && event.laneId === undefined) failure = event.message;
        // A few lines in, the picture has everything on it: the moment for a still.
        if (event.type === 'scenario.progress' && ++lines === 3 && opts.onRacing)
          racing = Promise.resolve(opts.onRacing(page));
        wake();
      },
      sendBinary: () => {},
    };
    const disconnect = engine.engine.connect(client);
    const labels = opts.laneSpecs.map((spec) => redact(spec));
    const cpuAtStart = sampleCpu();
    const wallAtStart = performance.now();
    const started = await page.evaluate(
      ([title, lanes]) =>
        (
          globalThis as unknown as {
            __dialtoneRender: { start(t: string, l: unknown): Promise<{ startAtEngineMs: number }> };
          }
        ).__dialtoneRender.start(title, lanes),
      [
        opts.scenario.title,
        opts.laneSpecs.map((spec, i) => ({ label: labels[i]!, spec: redact(spec) })),
      ] as const,
    );
    const report = (phase: RenderProgress['phase']): void =>
      opts.onProgress?.({
        phase,
        elapsedMs: performance.now() - wallAtStart,
        lines: events.filter((e) => e.type === 'scenario.progress').length,
        lanesFinished: finished.size,
      });
    const ticker = setInterval(
      () =>
        report(
          finished.size === opts.laneSpecs.length
            ? 'final'
            : events.some((e) => e.type === 'scenario.started')
              ? 'race'
              : 'title',
        ),
      250,
    );
    try {
      await sleep(opts.titleHoldMs ?? 3_000);
      engine.engine.handle(client, {
        type: 'scenario.start',
        scenario: opts.scenario.name,
        lanes: opts.laneSpecs.map((spec, i) => ({ spec, label: labels[i]! })),
        ...(opts.maxTurns !== undefined ? { maxTurns: opts.maxTurns } : {}),
        speech: true,
        playback: 'client',
      });
      const laneIds = (): string[] =>
        events
          .find((e): e is Extract<EngineEvent, { type: 'scenario.started' }> => e.type === 'scenario.started')
          ?.lanes.map((l) => l.laneId) ?? [];
      while (failure === null && (laneIds().length === 0 || finished.size < laneIds().length)) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (failure !== null) throw new Error(failure);
      await sleep(opts.finalHoldMs ?? 3_000);
      await racing;
    } finally {
      clearInterval(ticker);
      disconnect();
    }
    const stopped = await page.evaluate(() =>
      (
        globalThis as unknown as { __dialtoneRender: { stop(): Promise<PageStopped> } }
      ).__dialtoneRender.stop(),
    );
    const wallMs = performance.now() - wallAtStart;
    const cpuAtEnd = sampleCpu();

    const rawWebm = await readSlices(page, 'webm', stopped.webmBytes);
    const left = floats(await readSlices(page, 'left', stopped.pcmFrames * 4));
    const right = floats(await readSlices(page, 'right', stopped.pcmFrames * 4));
    const webm = makeSeekable(rawWebm);
    const info = readWebm(webm);
    const wav =
      stopped.sampleRate === WAV_RATE
        ? encodeStereoWav(left, right, WAV_RATE)
        : encodeStereoWav(
            resample(left, stopped.sampleRate, WAV_RATE),
            resample(right, stopped.sampleRate, WAV_RATE),
            WAV_RATE,
          );
    const startedEvent = events.find(
      (e): e is Extract<EngineEvent, { type: 'scenario.started' }> => e.type === 'scenario.started',
    )!;
    const laneIds = startedEvent.lanes.map((l) => l.laneId);
    const run = runJson(opts.scenario.name, laneIds, events, { recordingStartAtMs: started.startAtEngineMs });
    const cues = raceCues(
      events.filter(
        (e): e is Extract<EngineEvent, { type: 'scenario.progress' }> => e.type === 'scenario.progress',
      ),
      new Map(startedEvent.lanes.map((l) => [l.laneId, l.label])),
      started.startAtEngineMs,
    );
    const files = {
      video: `${opts.outBase}.webm`,
      audio: `${opts.outBase}.wav`,
      vtt: `${opts.outBase}.vtt`,
      srt: `${opts.outBase}.srt`,
      json: `${opts.outBase}.json`,
    };
    await writeFile(files.video, webm);
    await writeFile(files.audio, wav);
    await writeFile(files.vtt, formatVtt(cues));
    await writeFile(files.srt, formatSrt(cues));
    await writeFile(files.json, JSON.stringify(run, null, 2) + '\n');
    const video = info.tracks.find((t) => t.kind === 'video');
    return {
      video: files.video,
      audio: files.audio,
      subtitles: [files.vtt, files.srt],
      json: files.json,
      run,
      durationMs: info.durationMs ?? (stopped.pcmFrames / stopped.sampleRate) * 1000,
      width: video?.width ?? opts.width,
      height: video?.height ?? opts.height,
      measures: {
        wallMs,
        engineCpuMs: cpuAtEnd.selfMs - cpuAtStart.selfMs,
        browserCpuMs:
          cpuAtEnd.childrenMs === null || cpuAtStart.childrenMs === null
            ? null
            : cpuAtEnd.childrenMs - cpuAtStart.childrenMs,
        framesDrawn: stopped.framesDrawn,
        videoFrames: video?.blocks ?? 0,
        expectedFrames: Math.round(((info.durationMs ?? wallMs) / 1000) * 30),
        webmBytes: webm.length,
        mimeType: stopped.mimeType,
        contextSampleRate: ready.sampleRate,
      },
    };
  } finally {
    await browser?.close().catch(() => {});
    await engine?.close();
  }
}
