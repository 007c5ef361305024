/**
 * What `dialtone render` costs on this machine: a short two-lane race rendered at 1920×1080 in
 * headless Chromium (the command's own path, src/main/video/render-run.ts), once per run and codec,
 * reporting CPU while recording (the browser's processes and the engine's, each as % of one core
 * over the recording's wall time), frames kept in the file against 30 fps × its duration, and the
 * file's size per minute. The files go to a temporary folder and are deleted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRace, type RenderMeasures } from '../video/render-run';
import { summarize, type Summary } from './stats';

export const RENDER_BENCH_LANES = ['sim:tps=4000,ttft=60', 'sim:tps=400,ttft=700'];
const CODECS = ['vp9', 'vp8'] as const;

export interface RenderRunFigures {
  codec: 'vp9' | 'vp8';
  mimeType: string;
  durationS: number;
  /** Chromium's processes (renderer, GPU, audio, browser), CPU time over wall time, % of one core. */
  browserCpuPct: number | null;
  /** This process (the engine, the sim backend, the command), % of one core. */
  engineCpuPct: number;
  /** Video frames in the file / (30 fps × duration), %. */
  framesKeptPct: number;
  videoFrames: number;
  expectedFrames: number;
  /** Frames the composition painted (what the recorder could have kept). */
  framesDrawn: number;
  mbPerMinute: number;
}

export interface RenderCodecFigures {
  codec: 'vp9' | 'vp8';
  runs: RenderRunFigures[];
  browserCpuPct: Summary | null;
  engineCpuPct: Summary;
  framesKeptPct: Summary;
  mbPerMinute: Summary;
}

export interface RenderBenchResult {
  width: number;
  height: number;
  lanes: string[];
  maxTurns: number;
  codecs: RenderCodecFigures[];
}

function figuresOf(codec: 'vp9' | 'vp8', durationMs: number, m: RenderMeasures): RenderRunFigures {
  return {
    codec,
    mimeType: m.mimeType,
    durationS: durationMs / 1000,
    browserCpuPct: m.browserCpuMs === null ? null : (m.browserCpuMs / m.wallMs) * 100,
    engineCpuPct: (m.engineCpuMs / m.wallMs) * 100,
    framesKeptPct: (m.videoFrames / m.expectedFrames) * 100,
    videoFrames: m.videoFrames,
    expectedFrames: m.expectedFrames,
    framesDrawn: m.framesDrawn,
    mbPerMinute: m.webmBytes / 1e6 / (durationMs / 60_000),
  };
}

export async function benchRender(
  opts: {
    runs?: number;
    maxTurns?: number;
    log?: (line: string) => void;
    onRun?: (r: RenderRunFigures) => void;
  } = {},
): Promise<RenderBenchResult> {
  const runs = opts.runs ?? 3;
  const maxTurns = opts.maxTurns ?? 4;
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-bench-render-'));
  const byCodec = new Map<'vp9' | 'vp8', RenderRunFigures[]>(CODECS.map((c) => [c, []]));
  try {
    // Alternating codecs run by run, so a slow spell on a shared machine does not land on one codec.
    for (let i = 0; i < runs; i++) {
      for (const codec of CODECS) {
        const result = await renderRace({
          scenario: { name: 'goodbye', title: 'Two bots who cannot say goodbye' },
          laneSpecs: RENDER_BENCH_LANES,
          maxTurns,
          width: 1920,
          height: 1080,
          burnCaptions: true,
          outBase: join(dir, `${codec}-${i + 1}`),
          codec,
          env: {},
          titleHoldMs: 2_000,
          finalHoldMs: 2_000,
          ...(opts.log ? { log: opts.log } : {}),
        });
        if (!result.measures.mimeType.includes(codec))
          throw new Error(`asked for ${codec}, the browser recorded ${result.measures.mimeType}`);
        const figures = figuresOf(codec, result.durationMs, result.measures);
        byCodec.get(codec)!.push(figures);
        opts.onRun?.(figures);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const codecs = CODECS.map((codec): RenderCodecFigures => {
    const list = byCodec.get(codec)!;
    const browser = list.map((r) => r.browserCpuPct);
    return {
      codec,
      runs: list,
      browserCpuPct: browser.every((b) => b !== null) ? summarize(browser as number[]) : null,
      engineCpuPct: summarize(list.map((r) => r.engineCpuPct)),
      framesKeptPct: summarize(list.map((r) => r.framesKeptPct)),
      mbPerMinute: summarize(list.map((r) => r.mbPerMinute)),
    };
  });
  return { width: 1920, height: 1080, lanes: RENDER_BENCH_LANES, maxTurns, codecs };
}
