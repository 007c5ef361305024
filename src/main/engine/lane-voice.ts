/**
 * A lane's microphone side: the VAD (loaded on first use), the mic mode, the speech recognizer and
 * the transcription in flight. It turns what the user says into lane events (`vad.*`, `stt.partial`,
 * `stt.final`), moves of the lane's state table, barge-ins and, for each transcript, a voiced turn.
 *
 * Ahead of the endpoint: at a short pause inside an utterance it transcribes what was said so far,
 * adapts the silence window to those words (turn-taking.ts), shows them as a partial and, with
 * speculation on, has the lane start the reply held. At the endpoint, with no speech since the pause,
 * the utterance is that same audio plus silence: its transcript is the one already made, and the held
 * reply is adopted. When the speaker goes on, the held reply is discarded unheard.
 */
import type { AudioFrame } from '../../shared/audio-frames';
import type { EngineEvent } from '../../shared/protocol';
import type { Clock } from './clock';
import { errorEvent, ProviderError } from './errors';
import type { LaneEvent } from './lane-states';
import type { ModelProgress } from './models/manager';
import type { TurnOrigin } from './turn-plan';
import type { TurnSpeculation } from '../../shared/metrics';
import type { SttPort, VadPort } from './voice/ports';
import { endpointWindowMs, type TurnTaking } from './voice/turn-taking';
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
  /** A tentative transcript: start the reply held (a speculative turn). */
  speculate(text: string): void;
  /** The endpoint confirmed `text`: release the held reply; false when there is none for it. */
  adopt(text: string, origin: TurnOrigin): boolean;
  /** The speaker went on: cancel the held reply unheard; the tokens it had generated. */
  discard(): number;
  /** Pauses, adaptive windows and speculation; absent: a fixed window and none of them. */
  turnTaking?: TurnTaking | undefined;
}

/** What was started at the latest pause of the utterance in progress. */
interface Ahead {
  abort: AbortController;
  /** The tentative transcript; null when it failed or was cancelled (the endpoint transcribes again). */
  transcript: Promise<string | null>;
  transcriptAtMs: number | null;
  sttMs: number | null;
  /** When the held reply was started; null: none was. */
  requestAtMs: number | null;
}

export class LaneVoice {
  private input: VoiceInput | null = null;
  private mode: MicMode = 'off';
  private stt: SttPort | null = null;
  /** Transcription in flight; a new utterance, a barge-in or a new recognizer cancels it. */
  private transcribing: AbortController | null = null;
  private ahead: Ahead | null = null;
  /** Speculation during the user's turn in progress. */
  private tally = { started: 0, discarded: 0, discardedTokens: 0 };

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
    // Off, nothing more is heard: what a pause started can never be confirmed.
    if (mode === 'off') this.dropAhead();
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
    this.dropAhead();
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
      case 'pause':
        this.transcribeAhead(event.audio);
        return;
      case 'resume':
        this.dropAhead();
        this.input?.setSilenceMs(null);
        return;
      case 'utterance': {
        const ahead = this.ahead;
        this.ahead = null;
        const tally = this.tally;
        this.tally = { started: 0, discarded: 0, discardedTokens: 0 };
        const speculation = this.host.turnTaking?.speculate ? { ...tally, savedMs: 0 } : undefined;
        if (ahead) void this.adoptAhead(ahead, event, speculation);
        else void this.transcribe(event.audio, event.lastVoicedAtMs, event.endpointAtMs, speculation);
        return;
      }
    }
  }

  /** At a pause: the words so far, as a partial, a hint for the silence window and, maybe, a held reply. */
  private transcribeAhead(audio: Float32Array): void {
    const { clock, emit, laneId } = this.host;
    const stt = this.stt;
    if (!stt) return;
    this.dropAhead();
    const abort = new AbortController();
    const startAtMs = clock.now();
    const ahead: Ahead = {
      abort,
      transcript: Promise.resolve(null),
      transcriptAtMs: null,
      sttMs: null,
      requestAtMs: null,
    };
    const onPartial = (text: string): void => {
      if (!abort.signal.aborted) emit({ type: 'stt.partial', laneId, text });
    };
    ahead.transcript = stt.transcribe(audio, abort.signal, onPartial).then(
      (raw) => {
        if (abort.signal.aborted) return null;
        const text = raw.trim();
        ahead.transcriptAtMs = clock.now();
        ahead.sttMs = ahead.transcriptAtMs - startAtMs;
        if (text === '') return text;
        emit({ type: 'stt.partial', laneId, text });
        const turnTaking = this.host.turnTaking;
        if (turnTaking) this.input?.setSilenceMs(endpointWindowMs(text, turnTaking));
        if (turnTaking?.speculate) {
          ahead.requestAtMs = clock.now();
          this.tally.started += 1;
          this.host.speculate(text);
        }
        return text;
      },
      // A failure here is not the user's problem yet: the endpoint transcribes again and reports it.
      () => null,
    );
    this.ahead = ahead;
  }

  /** The speaker went on (or the lane moved on): what the pause started is cancelled, unheard. */
  private dropAhead(): void {
    const ahead = this.ahead;
    if (!ahead) return;
    this.ahead = null;
    ahead.abort.abort();
    if (ahead.requestAtMs !== null) {
      this.tally.discarded += 1;
      this.tally.discardedTokens += this.host.discard();
    }
  }

  /** The endpoint, with no speech since the pause: the transcript made there is this utterance's. */
  private async adoptAhead(
    ahead: Ahead,
    utterance: { audio: Float32Array; lastVoicedAtMs: number; endpointAtMs: number },
    speculation: TurnSpeculation | undefined,
  ): Promise<void> {
    const { emit, laneId } = this.host;
    const { lastVoicedAtMs, endpointAtMs } = utterance;
    this.transcribing?.abort();
    this.transcribing = ahead.abort;
    this.host.apply('stt.start');
    const text = await ahead.transcript;
    if (this.transcribing === ahead.abort) this.transcribing = null;
    if (ahead.abort.signal.aborted) return;
    if (text === null) {
      void this.transcribe(utterance.audio, lastVoicedAtMs, endpointAtMs, speculation);
      return;
    }
    // Made before the endpoint, the transcript was there when the endpoint came: STT took no time of the gap.
    const transcriptAtMs = Math.max(endpointAtMs, ahead.transcriptAtMs ?? endpointAtMs);
    emit({ type: 'stt.final', laneId, text, sttMs: transcriptAtMs - endpointAtMs });
    if (text === '') {
      this.host.apply('stt.none');
      return;
    }
    const origin: TurnOrigin = { userDoneAtMs: lastVoicedAtMs, lastVoicedAtMs, endpointAtMs, transcriptAtMs };
    if (ahead.requestAtMs !== null && speculation) {
      // Without speculation the request would have gone out after the endpoint and an STT as long as this one.
      const savedMs = Math.max(0, endpointAtMs + (ahead.sttMs ?? 0) - ahead.requestAtMs);
      if (this.host.adopt(text, { ...origin, speculation: { ...speculation, savedMs } })) return;
    }
    this.host.send(text, { ...origin, ...(speculation ? { speculation } : {}) });
  }

  private async transcribe(
    audio: Float32Array,
    lastVoicedAtMs: number,
    endpointAtMs: number,
    speculation?: TurnSpeculation,
  ): Promise<void> {
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
      this.host.send(text, {
        userDoneAtMs: lastVoicedAtMs,
        lastVoicedAtMs,
        endpointAtMs,
        transcriptAtMs,
        ...(speculation ? { speculation } : {}),
      });
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
