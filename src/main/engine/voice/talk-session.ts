/**
 * A voice conversation with no person and no browser: a recording plays into a lane as its microphone,
 * in real time (20 ms frames stamped on the engine clock, as the page sends them), through the same
 * path a microphone takes (`Engine.handleAudio` → Lane → LaneVoice → VAD/endpointer → STT → turn), and
 * the replies play on a virtual speaker that reports playback as a page does. `dialtone talk` and the
 * voice-turn bench run it; every figure it returns is ms from the start of the recording.
 */
import { AUDIO_IN, decodeAudioFrame } from '../../../shared/audio-frames';
import type { TurnTimeline } from '../../../shared/metrics';
import type { EngineEvent } from '../../../shared/protocol';
import { float32ToInt16 } from '../audio/wav';
import type { Clock } from '../clock';
import { VirtualSpeaker } from '../conversation/virtual-speaker';
import type { Engine, EngineClient } from '../engine';
import { VAD_SAMPLE_RATE } from './voice-input';

export const TALK_FRAME_MS = 20;
const FRAME_SAMPLES = (VAD_SAMPLE_RATE * TALK_FRAME_MS) / 1000;
/** After the recording, the lane must rest this long (no turn, no speech) for the run to be over. */
const SETTLE_MS = 1_500;
/** A run that has not settled this long after the recording ended is stuck. */
const GIVE_UP_MS = 60_000;

export interface TalkOptions {
  engine: Engine;
  clock: Clock;
  /** The lane's backend (`fast`, `sim:tps=…`, a provider spec). */
  laneSpec: string;
  stt: string;
  tts: string;
  /** The recording, 16 kHz mono. */
  audio: Float32Array;
  /** Progress for people (stderr): one line per event worth a line. */
  onLine?: (line: string) => void;
}

export interface TalkTurn {
  userText: string;
  /** What the listener heard of the reply (all of it unless cut). */
  replyText: string;
  /** The speaker's voiced audio, as the VAD found it. */
  userStartMs: number;
  userEndMs: number;
  /** The reply's first audible sample; null when nothing was heard. */
  audibleMs: number | null;
  timeline: TurnTimeline;
}

export interface TalkResult {
  turns: TalkTurn[];
  /** Errors the lane reported, one line each. */
  errors: string[];
  /** Length of the recording, ms. */
  audioMs: number;
}

const LANE_ID = 'talk';

export async function runTalk(o: TalkOptions): Promise<TalkResult> {
  const { engine, clock } = o;
  const events: EngineEvent[] = [];
  let wake: () => void = () => {};
  const speaker = new VirtualSpeaker(clock, {
    playbackStarted: (laneId, turnId, audibleAtMs) =>
      engine.handle(client, { type: 'playback.started', laneId, turnId, audibleAtMs }),
    playbackEnded: (laneId, turnId, report) =>
      engine.handle(client, { type: 'playback.ended', laneId, turnId, ...report }),
  });
  let state = '';
  let restingSinceAtMs: number | null = null;
  const turnsOpen = new Set<string>();
  const client: EngineClient = {
    send: (event) => {
      events.push(event);
      if (event.type === 'lane.state' && event.lane.laneId === LANE_ID) {
        if (event.lane.state !== state)
          restingSinceAtMs = event.lane.state === 'listening' ? clock.now() : null;
        state = event.lane.state;
      } else if (event.type === 'turn.started') {
        turnsOpen.add(event.turnId);
        o.onLine?.(`you: ${event.userText}`);
      } else if (event.type === 'turn.metrics') {
        turnsOpen.delete(event.turnId);
      } else if (event.type === 'interrupt') {
        speaker.interrupt(event.laneId, event.turnId);
      } else if (event.type === 'error' && event.laneId === LANE_ID) {
        o.onLine?.(`error (${event.stage}): ${event.message}`);
      }
      wake();
    },
    sendBinary: (data) => speaker.frame(decodeAudioFrame(Buffer.from(data))),
  };
  const disconnect = engine.connect(client);
  try {
    engine.handle(client, { type: 'lane.create', laneId: LANE_ID, spec: o.laneSpec, stt: o.stt, tts: o.tts });
    engine.handle(client, { type: 'mic.mode', laneId: LANE_ID, mode: 'open' });
    const failed = (): string | null => {
      const e = events.find((x) => x.type === 'error' && (x.stage === 'vad' || x.laneId === undefined));
      return e?.type === 'error' ? e.message : null;
    };
    while (state !== 'listening' && failed() === null) await new Promise<void>((r) => (wake = r));
    const vadFailure = failed();
    if (vadFailure !== null) throw new Error(vadFailure);

    const startAtMs = clock.now();
    const audioMs = (o.audio.length * 1000) / VAD_SAMPLE_RATE;
    const silence = new Float32Array(FRAME_SAMPLES);
    for (let i = 0; ; i++) {
      // A frame leaves once its last sample is captured; it is stamped with its first sample's time.
      const captureAtMs = startAtMs + i * TALK_FRAME_MS;
      const waitMs = captureAtMs + TALK_FRAME_MS - clock.now();
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      const from = i * FRAME_SAMPLES;
      const recorded = from < o.audio.length;
      if (!recorded) {
        const nowAtMs = clock.now();
        const restedMs =
          restingSinceAtMs === null ? 0 : nowAtMs - Math.max(restingSinceAtMs, startAtMs + audioMs);
        if (turnsOpen.size === 0 && restedMs >= SETTLE_MS) break;
        if (nowAtMs - startAtMs - audioMs > GIVE_UP_MS)
          throw new Error(`the lane had not settled ${GIVE_UP_MS / 1000} s after the recording ended`);
      }
      const chunk = recorded ? o.audio.subarray(from, from + FRAME_SAMPLES) : silence;
      const samples = new Int16Array(FRAME_SAMPLES);
      samples.set(float32ToInt16(chunk));
      engine.handleAudio({
        kind: AUDIO_IN,
        laneId: LANE_ID,
        seq: i,
        turn: 0,
        atMs: captureAtMs,
        sampleRate: VAD_SAMPLE_RATE,
        samples,
      });
    }
    return { turns: collectTurns(events, startAtMs), errors: errorLines(events), audioMs };
  } finally {
    speaker.close();
    disconnect();
    engine.handle(client, { type: 'lane.remove', laneId: LANE_ID });
  }
}

function collectTurns(events: EngineEvent[], startAtMs: number): TalkTurn[] {
  const starts = events.flatMap((e) => (e.type === 'vad.start' && e.laneId === LANE_ID ? [e.atMs] : []));
  const turns: TalkTurn[] = [];
  for (const e of events) {
    if (e.type !== 'turn.metrics' || e.laneId !== LANE_ID) continue;
    const lastVoicedAtMs = e.timeline.at.lastVoicedAtMs;
    if (lastVoicedAtMs === null) continue;
    const started = events.find((x) => x.type === 'turn.started' && x.turnId === e.turnId);
    const appended = events.find((x) => x.type === 'history.append' && x.turnId === e.turnId);
    const reply =
      appended?.type === 'history.append' ? appended.entries.find((x) => x.role === 'assistant') : undefined;
    // The utterance began at the last speech start before it ended.
    const userStartAtMs = starts.filter((s) => s <= lastVoicedAtMs).pop() ?? lastVoicedAtMs;
    const audibleAtMs = e.timeline.at.audibleAtMs;
    turns.push({
      userText: started?.type === 'turn.started' ? started.userText : '',
      replyText: reply?.text ?? '',
      userStartMs: userStartAtMs - startAtMs,
      userEndMs: lastVoicedAtMs - startAtMs,
      audibleMs: audibleAtMs === null ? null : audibleAtMs - startAtMs,
      timeline: e.timeline,
    });
  }
  return turns;
}

function errorLines(events: EngineEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === 'error' && (e.laneId === LANE_ID || e.laneId === undefined)
      ? [`${e.stage}: ${e.message}`]
      : [],
  );
}
