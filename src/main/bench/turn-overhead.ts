/**
 * What the engine itself adds to a voice turn: endpoint decided → first audio handed to the players,
 * minus what the stages spend (the LLM's TTFT and wait for the first chunk, as the client measured
 * them). STT and TTS are instant stand-ins here, so what remains is our own scheduling, batching,
 * chunking and framing. Real mic frames go over the real socket; the backend is the simulated one.
 */
import WebSocket from 'ws';
import { AUDIO_IN, encodeAudioFrame } from '../../shared/audio-frames';
import { EngineEvent } from '../../shared/protocol';
import { systemClock } from '../engine/clock';
import { startEngine } from '../engine';
import type { SpeechFactories } from '../engine/lane';
import { Chunker } from '../engine/speech/chunker';
import { VoiceActivityDetector } from '../engine/vad/endpointer';
import { summarize, type Summary } from './stats';

const RATE = 16_000;
const FRAME = 512;
const FRAME_MS = (FRAME * 1000) / RATE;

/** Instant stages: an energy VAD model under the real endpointer, a fixed transcript, a 100 ms tone. */
const instantSpeech: SpeechFactories = {
  createVad: async () =>
    new VoiceActivityDetector(
      {
        process: async (frame) =>
          Math.sqrt(frame.reduce((s, x) => s + x * x, 0) / frame.length) > 0.05 ? 1 : 0,
        reset: () => {},
      },
      { minSpeechMs: 64 },
    ),
  createStt: () => ({ label: 'instant', transcribe: async () => 'Tell me about the sea.' }),
  createTts: () => ({
    label: 'instant',
    synthesize: async (_text, signal, onAudio) => {
      if (!signal.aborted) onAudio(new Int16Array(RATE / 10).fill(1000), RATE);
    },
  }),
  createChunker: () => new Chunker(),
};

export async function benchTurnOverhead(opts: { turns?: number } = {}): Promise<{
  overheadMs: Summary;
  turns: number;
}> {
  const turns = opts.turns ?? 10;
  const engine = await startEngine({ env: {}, speech: instantSpeech });
  const ws = new WebSocket(`${engine.wsUrl}?token=${engine.token}`);
  const metrics: EngineEvent[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const event = EngineEvent.parse(JSON.parse(data.toString()));
    if (event.type === 'turn.metrics') metrics.push(event);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const send = (msg: unknown): void => ws.send(JSON.stringify(msg));
  send({ type: 'lane.create', laneId: 'b', spec: 'sim:tps=5000,ttft=0,max=30', stt: 'local', tts: 'espeak' });
  send({ type: 'mic.mode', laneId: 'b', mode: 'open' });
  const overheads: number[] = [];
  let seq = 0;
  try {
    for (let turn = 0; turn < turns; turn++) {
      const before = metrics.length;
      // 400 ms of tone, then silence until the turn's metrics arrive; frames leave when complete.
      const t0 = systemClock.now();
      for (let i = 0; metrics.length === before && i < 400; i++) {
        const due = t0 + (i + 1) * FRAME_MS;
        await new Promise((r) => setTimeout(r, Math.max(0, due - systemClock.now())));
        const samples = new Int16Array(FRAME);
        if (i < 400 / FRAME_MS)
          for (let k = 0; k < FRAME; k++) samples[k] = Math.round(12000 * Math.sin(k / 5));
        ws.send(
          encodeAudioFrame({
            kind: AUDIO_IN,
            laneId: 'b',
            seq: seq++,
            turn: 0,
            atMs: due - FRAME_MS,
            sampleRate: RATE,
            samples,
          }),
        );
      }
      const event = metrics[before];
      if (event?.type !== 'turn.metrics') throw new Error('benchmark: the turn did not finish');
      const t = event.timeline;
      if (
        t.at.endpointAtMs === null ||
        t.at.firstAudioAtMs === null ||
        t.ttftMs === null ||
        t.firstChunkMs === null
      ) {
        throw new Error('benchmark: the turn has no voice timeline');
      }
      overheads.push(t.at.firstAudioAtMs - t.at.endpointAtMs - t.ttftMs - t.firstChunkMs);
    }
  } finally {
    ws.close();
    await engine.close();
  }
  return { overheadMs: summarize(overheads), turns };
}
