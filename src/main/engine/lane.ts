/**
 * A lane: one conversation with one backend. It owns the history, the microphone side and at most
 * one turn in flight, and it moves through the turn-taking states of LaneState (src/shared/protocol.ts).
 * A turn that fails or is cancelled ends that turn only — the lane stays usable.
 */
import type { AudioFrame } from '../../shared/audio-frames';
import type { TurnTimeline } from '../../shared/metrics';
import { formatLaneSpec, parseLaneSpec, type LaneSpec } from '../../shared/lane-spec';
import {
  RECENT_TURNS,
  type ChatEntry,
  type EngineEvent,
  type LaneHello,
  type LaneSnapshot,
  type LaneState,
  type RecentTurn,
} from '../../shared/protocol';
import { formatSpeechSpec, parseSttSpec, parseTtsSpec } from '../../shared/speech-spec';
import type { Clock } from './clock';
import type { ContextWindowReport } from './context-window';
import { LaneHistory } from './lane-history';
import { LLM_PRESETS } from './providers/llm/presets';
import type { ChatMessage, LlmProvider } from './providers/llm/types';
import { runTurn, type ActiveTurn, type TurnOrigin, type TurnOutcome } from './turn';
import type { ModelProgress } from './models/manager';
import type { ChunkerPort, SttPort, TtsPort, VadPort } from './voice/ports';
import { VoiceInput, type MicMode, type VoiceInputEvent } from './voice/voice-input';

/** Builds the provider for a spec; throws LaneSpecError (with a presenter-readable message) on bad config. */
export type ProviderFactory = (spec: LaneSpec) => LlmProvider;

/** The speech stages a lane can use; each factory throws a presenter-readable error on bad config. */
export interface SpeechFactories {
  createVad(): Promise<VadPort>;
  createStt(spec: string): SttPort;
  /** null for `none` (text only). */
  createTts(spec: string): TtsPort | null;
  createChunker(): ChunkerPort;
}

export interface LaneDeps {
  clock: Clock;
  createProvider: ProviderFactory;
  speech: SpeechFactories;
  emit: (event: EngineEvent) => void;
  emitAudio: (frame: AudioFrame) => void;
}

/** Per-turn settings for bot-to-bot runs (scenarios); a plain typed turn needs none. */
export interface TurnOptions {
  /** The whole context for this turn (system prompt included), instead of the lane's history. */
  messages?: ChatMessage[];
  /** How `messages` was windowed (see context-window.ts), for the turn's timeline. */
  context?: ContextWindowReport;
  /** Scripted reply for the simulated backend. */
  simReply?: string;
  /** This turn's voice (null: not spoken), instead of the lane's TTS. */
  tts?: TtsPort | null;
  /** This turn's backend, instead of the lane's (a scenario's given opening line). */
  provider?: LlmProvider;
  /** Who says the reply: the lane's history keeps only the reply, tagged with the speaker. */
  speaker?: { name: string; role: 'user' | 'assistant' };
  /** Called once the turn is over (its audio played), with what it said and its timeline. */
  onDone?: (result: TurnResult) => void;
}

/** A finished turn as `TurnOptions.onDone` sees it; no timeline when the turn broke inside the engine. */
export type TurnResult = Omit<TurnOutcome, 'timeline'> & { timeline: TurnTimeline | null; turnId: string };

export const VOICE_SYSTEM_PROMPT =
  'You are a friendly voice assistant in a live conversation. Answer in one to three short, ' +
  'natural spoken sentences. No lists, no markdown, no emoji.';

export class Lane {
  private spec: LaneSpec;
  private provider: LlmProvider;
  /** The conversation since the reset, bounded (see lane-history.ts). */
  private readonly history = new LaneHistory();
  private state: LaneState = 'idle';
  private turn: ActiveTurn | null = null;
  private turnCount = 0;
  private sttSpec = 'typed';
  private stt: SttPort | null = null;
  private ttsSpec = 'none';
  private tts: TtsPort | null = null;
  private voice: VoiceInput | null = null;
  private micMode: MicMode = 'off';
  /** Transcription in flight; a new utterance or barge-in cancels it. */
  private transcribing: AbortController | null = null;
  private audioSeq = 0;
  /** The last finished turns' timelines since the reset, oldest first (for clients that connect later). */
  private readonly recent: RecentTurn[] = [];
  /** Counts resets: a turn begun before one belongs to a conversation that is gone. */
  private conversation = 0;
  /** Turns whose timeline has not been sent yet. */
  private readonly unfinished = new Set<string>();

  constructor(
    readonly id: string,
    private label: string,
    specText: string,
    private readonly deps: LaneDeps,
  ) {
    this.spec = parseLaneSpec(specText);
    this.provider = deps.createProvider(this.spec);
  }

  snapshot(): LaneSnapshot {
    return {
      laneId: this.id,
      label: this.label,
      spec: formatLaneSpec(this.spec),
      provider: this.provider.id,
      model: this.provider.model,
      state: this.state,
      speech: {
        stt: formatSpeechSpec(parseSttSpec(this.sttSpec)),
        tts: formatSpeechSpec(parseTtsSpec(this.ttsSpec)),
        mic: this.micMode,
      },
    };
  }

  /** The lane as a client that connects now sees it: its state and the end of its conversation. */
  helloSnapshot(): LaneHello {
    return { ...this.snapshot(), ...this.history.forHello() };
  }

  /** The context window for this lane's requests, characters: `context=` in the spec, else the provider's. */
  get contextChars(): number {
    const spec = this.spec;
    return (
      (spec.provider === 'replay' ? undefined : spec.contextChars) ?? LLM_PRESETS[spec.provider].contextChars
    );
  }

  /**
   * Switches the backend. Throws LaneSpecError and keeps the old backend when the spec is bad. A
   * turn in flight on the old backend is cancelled at once, as by `turn.cancel`: its reply would
   * come from a backend the lane no longer shows, and its late failure (a stall 20 s on) must not
   * land on the new one.
   */
  configure(specText: string, label?: string): void {
    const spec = parseLaneSpec(specText);
    const provider = this.deps.createProvider(spec);
    if (JSON.stringify(spec) !== JSON.stringify(this.spec)) this.cancel();
    this.spec = spec;
    this.provider = provider;
    if (label !== undefined) this.label = label;
    this.emitState();
  }

  /**
   * Sets the speech providers; a bad spec throws and leaves the old one in place. Switching the
   * voice or the speech input cancels the turn in flight (and a transcription), like `configure`.
   */
  configureSpeech(opts: { stt?: string; tts?: string }): void {
    if (opts.stt !== undefined) parseSttSpec(opts.stt);
    if (opts.tts !== undefined) parseTtsSpec(opts.tts);
    const stt = opts.stt === undefined ? undefined : this.deps.speech.createStt(opts.stt);
    const tts = opts.tts === undefined ? undefined : this.deps.speech.createTts(opts.tts);
    const same = (a: string, b: string, parse: typeof parseSttSpec | typeof parseTtsSpec): boolean =>
      formatSpeechSpec(parse(a)) === formatSpeechSpec(parse(b));
    const sttChanged = opts.stt !== undefined && !same(opts.stt, this.sttSpec, parseSttSpec);
    const ttsChanged = opts.tts !== undefined && !same(opts.tts, this.ttsSpec, parseTtsSpec);
    if (sttChanged) this.transcribing?.abort();
    if (sttChanged || ttsChanged) this.cancel();
    if (stt !== undefined && opts.stt !== undefined) {
      this.stt = stt;
      this.sttSpec = opts.stt;
      if (this.micMode !== 'off') this.prepareStt(stt);
    }
    if (tts !== undefined && opts.tts !== undefined) {
      this.tts = tts;
      this.ttsSpec = opts.tts;
      // The first reply must not wait seconds for a cold synthesizer or a model download: start now.
      const warm = tts?.warm?.bind(tts);
      if (warm) this.prepareModel('tts', (onProgress) => warm({ onProgress }));
    }
    this.emitState();
  }

  private prepareStt(stt: SttPort): void {
    const prepare = stt.prepare?.bind(stt);
    if (prepare) this.prepareModel('stt', (onProgress) => prepare({ onProgress }));
  }

  /**
   * Local models download (with progress) and load ahead of use — STT when the microphone goes on, TTS
   * when the lane picks it. A failure is shown on the lane even when the lane has moved on to another
   * provider meanwhile: the download it started (and whose progress it showed) has ended.
   */
  private prepareModel(
    stage: 'stt' | 'tts',
    prepare: (onProgress: (p: ModelProgress) => void) => Promise<void>,
  ): void {
    const { emit } = this.deps;
    prepare((p) => emit({ type: 'model.progress', laneId: this.id, ...p })).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      const code = (err as { ttsCode?: string }).ttsCode ?? 'model_missing';
      emit({ type: 'error', laneId: this.id, stage, code, message, recoverable: true });
    });
  }

  /** Turns the microphone off, to open mic, or to push-to-talk. Loads the VAD on first use. */
  async setMicMode(mode: MicMode): Promise<void> {
    if (mode !== 'off' && !this.voice) {
      const vad = await this.deps.speech.createVad();
      this.voice ??= new VoiceInput(vad, (event) => this.onVoice(event));
    }
    if (mode !== 'off' && this.micMode === 'off' && this.stt) this.prepareStt(this.stt);
    this.micMode = mode;
    this.voice?.setMode(mode);
    if (!this.turn) this.setState(this.restingState());
    else this.emitState();
  }

  ptt(down: boolean, atMs: number): void {
    this.voice?.ptt(down, atMs);
  }

  pushAudio(frame: AudioFrame): void {
    this.voice?.pushFrame(frame);
  }

  /**
   * Forgets the conversation and its recent turns. A turn still winding down finishes quietly: its
   * reply and timeline stay out of the fresh history, and the clients are told to ignore its timeline.
   */
  reset(): void {
    this.cancel();
    this.history.clear();
    this.recent.length = 0;
    this.conversation += 1;
    this.deps.emit({ type: 'lane.cleared', laneId: this.id, staleTurnIds: [...this.unfinished] });
    this.emitState();
  }

  /** The last `RECENT_TURNS` timelines since the reset, oldest first, as their `turn.metrics` carried them. */
  recentTurns(): RecentTurn[] {
    return [...this.recent];
  }

  /** Starts a typed turn; a turn still in flight is cancelled first (the newest request wins). */
  send(userText: string, origin?: Omit<TurnOrigin, 'userText'>, options: TurnOptions = {}): Promise<void> {
    const previous = this.turn;
    if (previous) this.cancel();
    this.turnCount += 1;
    const number = this.turnCount;
    const turnId = `${this.id}-${number}`;
    const abort = new AbortController();
    const received = { text: '' };
    const turn: ActiveTurn = {
      id: turnId,
      number,
      abort,
      done: Promise.resolve(),
      received,
      flush: () => {},
      speech: null,
      playback: { audibleMs: null, report: null, onReport: () => {} },
    };
    this.turn = turn;
    this.unfinished.add(turnId);
    const conversation = this.conversation;
    const current = (): boolean => this.conversation === conversation;
    const fullOrigin: TurnOrigin = { userText, userDoneMs: this.deps.clock.now(), ...origin };
    /** This turn's history entries, sent to the clients once, when the turn ends (`history.append`). */
    const entries: ChatEntry[] = [];
    const record = (entry: ChatEntry): void => {
      entries.push(entry);
      this.history.push(entry, this.contextChars);
    };
    let announced = false;
    const announce = (): void => {
      if (announced || entries.length === 0 || !current()) return;
      announced = true;
      this.deps.emit({
        type: 'history.append',
        laneId: this.id,
        turnId,
        entries: entries.map((e) => ({ ...e })),
      });
    };
    // The cancelled turn writes its partial reply to history first, so history keeps the spoken order.
    turn.done = (previous?.done ?? Promise.resolve())
      .then(async () => {
        if (!options.speaker && current()) record({ role: 'user', text: userText, turnId });
        const windowed = options.messages
          ? { messages: options.messages, report: options.context }
          : this.history.context(VOICE_SYSTEM_PROMPT, this.contextChars);
        const outcome = await runTurn(turn, fullOrigin, {
          laneId: this.id,
          clock: this.deps.clock,
          provider: options.provider ?? this.provider,
          tts: options.tts !== undefined ? options.tts : this.tts,
          ...(options.simReply !== undefined ? { simReply: options.simReply } : {}),
          createChunker: this.deps.speech.createChunker,
          messages: windowed.messages,
          ...(windowed.report ? { context: windowed.report } : {}),
          emit: this.deps.emit,
          sendAudio: (samples, sampleRate) =>
            this.deps.emitAudio({
              kind: 2,
              laneId: this.id,
              seq: this.audioSeq++,
              turn: number,
              timeMs: this.deps.clock.now(),
              sampleRate,
              samples,
            }),
          setState: (state) => {
            if (this.turn !== turn) return;
            this.voice?.setBotSpeaking(state === 'speaking');
            this.setState(state);
          },
        });
        // runTurn has just sent `turn.metrics`; no client can connect in between (same microtask run).
        this.unfinished.delete(turnId);
        if (current()) {
          this.recent.push({ laneId: this.id, turnId, timeline: outcome.timeline });
          if (this.recent.length > RECENT_TURNS) this.recent.splice(0, this.recent.length - RECENT_TURNS);
        }
        if (outcome.assistantText !== null && current()) {
          record({
            role: options.speaker?.role ?? 'assistant',
            text: outcome.assistantText,
            turnId,
            ...(options.speaker ? { speaker: options.speaker.name } : {}),
            ...(outcome.interrupted ? { interrupted: true } : {}),
          });
        }
        announce();
        if (this.turn === turn) {
          this.turn = null;
          this.voice?.setBotSpeaking(false);
          this.setState(this.restingState());
        } else {
          this.emitState();
        }
        options.onDone?.({ ...outcome, turnId });
      })
      .catch((err: unknown) => {
        this.unfinished.delete(turnId);
        announce();
        // A fault of ours inside a turn: report it on this lane, keep the lane (and the engine) alive.
        // A cancelled turn ends quietly, whatever it ran into on its way out.
        const message = err instanceof Error ? err.message : String(err);
        if (!abort.signal.aborted) {
          this.deps.emit({
            type: 'error',
            laneId: this.id,
            turnId,
            stage: 'engine',
            code: 'internal',
            message,
            recoverable: true,
          });
        }
        if (this.turn === turn) {
          this.turn = null;
          this.setState(this.restingState());
        }
        options.onDone?.({
          assistantText: null,
          interrupted: true,
          text: null,
          timeline: null,
          error: { stage: 'engine', code: 'internal', message },
          turnId,
        });
      });
    return turn.done;
  }

  /** Cancels the turn in flight, if any: stops generation and speech at once. */
  cancel(): void {
    const turn = this.turn;
    if (!turn || turn.abort.signal.aborted) return;
    turn.abort.abort();
    turn.flush();
    const playedMs = turn.playback.audibleMs === null ? 0 : this.deps.clock.now() - turn.playback.audibleMs;
    const heardText = turn.speech ? turn.speech.heardText(playedMs) : turn.received.text;
    this.deps.emit({ type: 'interrupt', laneId: this.id, turnId: turn.id, heardText });
  }

  playbackStarted(turnId: string, audibleMs: number): void {
    const turn = this.turn;
    if (turn?.id !== turnId || turn.playback.audibleMs !== null) return;
    turn.playback.audibleMs = audibleMs;
  }

  playbackEnded(turnId: string, report: { playedMs: number; endedMs: number; interrupted: boolean }): void {
    const turn = this.turn;
    if (turn?.id !== turnId || turn.playback.report) return;
    turn.playback.report = report;
    turn.playback.onReport();
  }

  /** Cancels and waits for the turn to wind down (shutdown, lane removal). */
  async close(): Promise<void> {
    const turn = this.turn;
    this.transcribing?.abort();
    this.cancel();
    await turn?.done;
  }

  private onVoice(event: VoiceInputEvent): void {
    const { emit } = this.deps;
    switch (event.type) {
      case 'level':
        emit({ type: 'mic.level', laneId: this.id, rms: event.rms, peak: event.peak });
        return;
      case 'error':
        emit({
          type: 'error',
          laneId: this.id,
          stage: 'vad',
          code: 'vad_failed',
          message: event.message,
          recoverable: true,
        });
        return;
      case 'speech-start':
        emit({ type: 'vad.start', laneId: this.id, atMs: event.atMs });
        if (!this.turn) this.setState('user-speaking');
        return;
      case 'speech-end':
        emit({ type: 'vad.end', laneId: this.id, atMs: event.atMs });
        if (!this.turn) this.setState('endpointing');
        return;
      case 'barge-in':
        this.transcribing?.abort();
        this.cancel();
        return;
      case 'utterance':
        void this.transcribe(event.audio, event.lastVoicedMs, event.endpointMs);
        return;
    }
  }

  private async transcribe(audio: Float32Array, lastVoicedMs: number, endpointMs: number): Promise<void> {
    const { emit, clock } = this.deps;
    this.transcribing?.abort();
    const abort = new AbortController();
    this.transcribing = abort;
    if (!this.stt) {
      emit({
        type: 'error',
        laneId: this.id,
        stage: 'stt',
        code: 'no_stt',
        message: 'This lane has no speech recognition set (stt is "typed"): pick an STT provider, or type.',
        recoverable: true,
      });
      this.setState(this.restingState());
      return;
    }
    if (!this.turn) this.setState('thinking');
    try {
      const text = (await this.stt.transcribe(audio, abort.signal)).trim();
      if (abort.signal.aborted) return;
      const transcriptMs = clock.now();
      emit({ type: 'stt.final', laneId: this.id, text, sttMs: transcriptMs - endpointMs });
      if (text === '') {
        if (!this.turn) this.setState(this.restingState());
        return;
      }
      void this.send(text, { userDoneMs: lastVoicedMs, lastVoicedMs, endpointMs, transcriptMs });
    } catch (err) {
      if (abort.signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      const code =
        typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'stt_failed';
      emit({ type: 'error', laneId: this.id, stage: 'stt', code, message, recoverable: true });
      if (!this.turn) this.setState(this.restingState());
    } finally {
      if (this.transcribing === abort) this.transcribing = null;
    }
  }

  private restingState(): LaneState {
    return this.micMode === 'off' ? 'idle' : 'listening';
  }

  private setState(state: LaneState): void {
    this.state = state;
    this.emitState();
  }

  private emitState(): void {
    this.deps.emit({ type: 'lane.state', lane: this.snapshot() });
  }
}
