/**
 * A lane's microphone side: the VAD (loaded on first use), the mic mode, the speech recognizer and
 * the transcription in flight. It turns what the user says into lane events (`vad.*`, `stt.partial`,
 * `stt.final`), moves of the lane's state table, barge-ins and, for each transcript, a voiced turn.
 */
import type { AudioFrame } from '../../shared/audio-frames';
import type { EngineEvent } from '../../shared/protocol';
import type { Clock } from './clock';
import { errorEvent, ProviderError } from './errors';
import type { LaneEvent } from './lane-states';
import type { ModelProgress } from './models/manager';
import type { TurnOrigin } from './turn-plan';
import type { SttPort, VadPort } from './voice/ports';
import { VoiceInput, type MicMode, type VoiceInputEvent } from './voice/voice-input';

/** What the microphone side needs from its lane. */
export interface LaneVoiceHost {
  laneId: string;
  clock: Clock;
  emit: (event: EngineEvent) => void;
  createVad(): Promise<VadPort>;
  /** Moves the lane's state table. */
  apply(event: LaneEvent): void;
  /** The user spoke over the bot: cancel the turn in flight. */
  bargeIn(): void;
  /** A transcript: the user's turn. */
  send(text: string, origin: TurnOrigin): void;
}

export class LaneVoice {
  private input: VoiceInput | null = null;
  private mode: MicMode = 'off';
  private stt: SttPort | null = null;
  /** Transcription in flight; a new utterance, a barge-in or a new recognizer cancels it. */
  private transcribing: AbortController | null = null;

  constructor(private readonly host: LaneVoiceHost) {}

  get micMode(): MicMode {
    return this.mode;
  }

  get micOn(): boolean {
    return this.mode !== 'off';
  }

  /** Turns the microphone off, to open mic, or to push-to-talk; loads the VAD on first use. */
  async setMicMode(mode: MicMode): Promise<void> {
    if (mode !== 'off' && !this.input) {
      const vad = await this.host.createVad();
      this.input ??= new VoiceInput(vad, (event) => this.onVoice(event));
    }
    if (mode !== 'off' && this.mode === 'off' && this.stt) this.prepareStt(this.stt);
    this.mode = mode;
    this.input?.setMode(mode);
  }

  /** Takes a new recognizer, and loads its model now if the microphone is on. */
  setStt(stt: SttPort | null): void {
    this.stt = stt;
    if (stt && this.micOn) this.prepareStt(stt);
  }

  ptt(down: boolean, atMs: number): void {
    this.input?.ptt(down, atMs);
  }

  pushAudio(frame: AudioFrame): void {
    this.input?.pushFrame(frame);
  }

  /** The bot is audible (a barge-in becomes possible) or has gone quiet. */
  setBotSpeaking(speaking: boolean): void {
    this.input?.setBotSpeaking(speaking);
  }

  stopTranscribing(): void {
    this.transcribing?.abort();
  }

  private prepareStt(stt: SttPort): void {
    const prepare = stt.prepare?.bind(stt);
    if (prepare) prepareModel(this.host, 'stt', (onProgress) => prepare({ onProgress }));
  }

  private onVoice(event: VoiceInputEvent): void {
    const { emit, laneId } = this.host;
    switch (event.type) {
      case 'level':
        emit({ type: 'mic.level', laneId, rms: event.rms, peak: event.peak });
        return;
      case 'error':
        // The model failed on this audio; the next frames may well go through.
        emit(
          errorEvent(new ProviderError('vad', 'vad_failed', event.message, true), { laneId, stage: 'vad' }),
        );
        return;
      case 'speech-start':
        emit({ type: 'vad.start', laneId, atMs: event.atMs });
        this.host.apply('speech.start');
        return;
      case 'speech-end':
        emit({ type: 'vad.end', laneId, atMs: event.atMs });
        this.host.apply('speech.end');
        return;
      case 'barge-in':
        this.stopTranscribing();
        this.host.bargeIn();
        return;
      case 'utterance':
        void this.transcribe(event.audio, event.lastVoicedAtMs, event.endpointAtMs);
        return;
    }
  }

  private async transcribe(audio: Float32Array, lastVoicedAtMs: number, endpointAtMs: number): Promise<void> {
    const { emit, clock, laneId } = this.host;
    this.transcribing?.abort();
    const abort = new AbortController();
    this.transcribing = abort;
    if (!this.stt) {
      const message =
        'This lane has no speech recognition set (stt is "typed"): pick an STT provider, or type.';
      emit(errorEvent(new ProviderError('stt', 'no_stt', message, false), { laneId, stage: 'stt' }));
      this.host.apply('stt.none');
      return;
    }
    this.host.apply('stt.start');
    // The words so far, as a recognizer that streams them finds them (the panel shows them as they come).
    const onPartial = (text: string): void => {
      if (!abort.signal.aborted) emit({ type: 'stt.partial', laneId, text });
    };
    try {
      const text = (await this.stt.transcribe(audio, abort.signal, onPartial)).trim();
      if (abort.signal.aborted) return;
      const transcriptAtMs = clock.now();
      emit({ type: 'stt.final', laneId, text, sttMs: transcriptAtMs - endpointAtMs });
      if (text === '') {
        this.host.apply('stt.none');
        return;
      }
      this.host.send(text, { userDoneAtMs: lastVoicedAtMs, lastVoicedAtMs, endpointAtMs, transcriptAtMs });
    } catch (err) {
      if (abort.signal.aborted) return;
      emit(errorEvent(err, { laneId, stage: 'stt' }));
      this.host.apply('stt.none');
    } finally {
      if (this.transcribing === abort) this.transcribing = null;
    }
  }
}

/**
 * Local models download (with progress) and load ahead of use — STT when the microphone goes on, TTS
 * when the lane picks it. A failure is shown on the lane even when the lane has moved on to another
 * provider meanwhile: the download it started (and whose progress it showed) has ended.
 */
export function prepareModel(
  lane: { laneId: string; emit: (event: EngineEvent) => void },
  stage: 'stt' | 'tts',
  prepare: (onProgress: (p: ModelProgress) => void) => Promise<void>,
): void {
  const { emit, laneId } = lane;
  prepare((p) => emit({ type: 'model.progress', laneId, ...p })).catch((err: unknown) => {
    emit(errorEvent(err, { laneId, stage }));
  });
}
