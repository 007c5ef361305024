/**
 * A lane's microphone side: 16 kHz frames from the renderer → VAD → speech start/end, utterances and
 * barge-in, all on the engine clock. Open mic lets the VAD endpoint the turn; push-to-talk lets the
 * key do it. Stream time (samples pushed) maps to engine time through each frame's capture time.
 */
import type { AudioFrame } from '../../../shared/audio-frames';
import { errorMessage } from '../errors';
import type { VadEvent, VadPort } from './ports';

export const VAD_SAMPLE_RATE = 16_000;

export type MicMode = 'off' | 'open' | 'ptt';

export type VoiceInputEvent =
  | { type: 'speech-start'; atMs: number }
  | { type: 'speech-end'; atMs: number }
  /** A finished user turn: what to transcribe and when the user stopped / the endpoint was decided. */
  | { type: 'utterance'; audio: Float32Array; lastVoicedAtMs: number; endpointAtMs: number }
  /**
   * A short silence inside an utterance (the VAD's `pauseMs`): the speaker may be done. What was said
   * so far, to transcribe ahead of the endpoint. Never sent for speech over the bot that is not a barge-in.
   */
  | { type: 'pause'; audio: Float32Array; lastVoicedAtMs: number; atMs: number }
  /** The speaker went on after a `pause`. */
  | { type: 'resume'; atMs: number }
  /** The user has spoken over the bot for longer than the guard: interrupt it. */
  | { type: 'barge-in'; atMs: number }
  | { type: 'level'; rms: number; peak: number }
  /** The VAD failed on this audio (the model errored): reported, the lane goes on. */
  | { type: 'error'; message: string };

export interface VoiceInputOptions {
  /** Speech over the bot shorter than this is echo or "mhm", not a barge-in, ms. */
  bargeInGuardMs?: number;
  /** Audio kept before a push-to-talk press, ms. */
  preRollMs?: number;
  /** How often the level meter is reported, ms. */
  levelEveryMs?: number;
}

export class VoiceInput {
  private mode: MicMode = 'off';
  private botSpeaking = false;
  private streamSamples = 0;
  private bargedIn = false;
  private pttAudio: Float32Array[] | null = null;
  private recent: Float32Array[] = [];
  private recentSamples = 0;
  private levelSamples = 0;
  private levelSum = 0;
  private levelPeak = 0;
  /** Frames dropped because they were not 16 kHz. */
  droppedFrames = 0;
  private readonly guardMs: number;
  private readonly preRollSamples: number;
  private readonly levelEverySamples: number;

  constructor(
    private readonly vad: VadPort,
    private readonly emit: (event: VoiceInputEvent) => void,
    opts: VoiceInputOptions = {},
  ) {
    this.guardMs = opts.bargeInGuardMs ?? 300;
    this.preRollSamples = ((opts.preRollMs ?? 200) * VAD_SAMPLE_RATE) / 1000;
    this.levelEverySamples = ((opts.levelEveryMs ?? 100) * VAD_SAMPLE_RATE) / 1000;
  }

  setMode(mode: MicMode): void {
    this.mode = mode;
    void this.vad.reset();
    this.pttAudio = null;
  }

  getMode(): MicMode {
    return this.mode;
  }

  /** The silence window of the utterance in progress, ms (null: the configured one). */
  setSilenceMs(silenceMs: number | null): void {
    this.vad.setSilenceMs?.(silenceMs);
  }

  /** The bot is audible (barge-in becomes possible) or has gone quiet. */
  setBotSpeaking(speaking: boolean): void {
    this.botSpeaking = speaking;
    if (!speaking) this.bargedIn = false;
  }

  /** Push-to-talk key: down starts collecting the utterance, up ends it at `atMs`. */
  ptt(down: boolean, atMs: number): void {
    if (this.mode !== 'ptt') return;
    if (down) {
      if (this.pttAudio) return;
      this.pttAudio = [...this.recent];
      if (this.botSpeaking) this.emit({ type: 'barge-in', atMs });
      this.emit({ type: 'speech-start', atMs });
      return;
    }
    const chunks = this.pttAudio;
    this.pttAudio = null;
    if (!chunks) return;
    this.emit({ type: 'speech-end', atMs });
    this.emit({ type: 'utterance', audio: concat(chunks), lastVoicedAtMs: atMs, endpointAtMs: atMs });
  }

  pushFrame(frame: AudioFrame): void {
    if (this.mode === 'off') return;
    if (frame.sampleRate !== VAD_SAMPLE_RATE) {
      this.droppedFrames += 1;
      return;
    }
    const samples = new Float32Array(frame.samples.length);
    for (let i = 0; i < samples.length; i++) samples[i] = frame.samples[i]! / 32768;
    const frameStartStreamMs = (this.streamSamples * 1000) / VAD_SAMPLE_RATE;
    this.streamSamples += samples.length;
    const toEngine = (streamMs: number): number => frame.atMs + (streamMs - frameStartStreamMs);

    this.meter(samples);
    this.keepRecent(samples);
    this.pttAudio?.push(samples);
    // The model runs asynchronously; pushes resolve in order, so events keep their frame's time anchor.
    const frameEndStreamMs = (this.streamSamples * 1000) / VAD_SAMPLE_RATE;
    this.vad.push(samples).then(
      (events) => this.onVadEvents(events, toEngine, frameEndStreamMs),
      (err: unknown) => this.emit({ type: 'error', message: errorMessage(err) }),
    );
  }

  private onVadEvents(
    events: VadEvent[],
    toEngine: (streamMs: number) => number,
    frameEndStreamMs: number,
  ): void {
    if (this.mode === 'off') return;
    for (const event of events) {
      // Short speech over the bot is echo or a backchannel until the guard says barge-in: not a turn.
      const notATurn = this.botSpeaking && !this.bargedIn;
      if (event.type === 'start') {
        if (this.mode === 'open') this.emit({ type: 'speech-start', atMs: toEngine(event.atMs) });
      } else if (event.type === 'pause') {
        if (this.mode !== 'open' || notATurn) continue;
        this.emit({
          type: 'pause',
          audio: event.audio,
          lastVoicedAtMs: toEngine(event.atMs),
          atMs: toEngine(event.decidedMs),
        });
      } else if (event.type === 'resume') {
        if (this.mode === 'open') this.emit({ type: 'resume', atMs: toEngine(event.atMs) });
      } else {
        if (this.mode !== 'open') continue;
        this.emit({ type: 'speech-end', atMs: toEngine(event.atMs) });
        if (notATurn) continue;
        this.emit({
          type: 'utterance',
          audio: event.audio,
          lastVoicedAtMs: toEngine(event.atMs),
          endpointAtMs: toEngine(event.endpointMs),
        });
      }
    }

    // Voiced time, not time since speech began: a short "mhm" followed by silence never gets there.
    if (this.mode === 'open' && this.botSpeaking && !this.bargedIn && this.vad.voicedMs() >= this.guardMs) {
      this.bargedIn = true;
      this.emit({ type: 'barge-in', atMs: toEngine(frameEndStreamMs) });
    }
  }

  private meter(samples: Float32Array): void {
    for (const s of samples) {
      this.levelSum += s * s;
      const a = Math.abs(s);
      if (a > this.levelPeak) this.levelPeak = a;
    }
    this.levelSamples += samples.length;
    if (this.levelSamples < this.levelEverySamples) return;
    this.emit({ type: 'level', rms: Math.sqrt(this.levelSum / this.levelSamples), peak: this.levelPeak });
    this.levelSamples = 0;
    this.levelSum = 0;
    this.levelPeak = 0;
  }

  private keepRecent(samples: Float32Array): void {
    this.recent.push(samples);
    this.recentSamples += samples.length;
    while (this.recent.length > 1 && this.recentSamples - this.recent[0]!.length >= this.preRollSamples) {
      this.recentSamples -= this.recent.shift()!.length;
    }
  }
}

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
