/**
 * A lane: one conversation with one backend. It owns the history, the microphone side (lane-voice.ts)
 * and at most one current turn (turn.ts), and it changes state only through the turn-taking table in
 * lane-states.ts. A turn that fails or is cancelled ends that turn only — the lane stays usable.
 */
import { TTS_AUDIO, type AudioFrame } from '../../shared/audio-frames';
import { formatLaneSpec, parseLaneSpec, type LaneSpec } from '../../shared/lane-spec';
import {
  RECENT_TURNS,
  type ChatEntry,
  type EngineEvent,
  type LaneHello,
  type LaneSnapshot,
  type RecentTurn,
} from '../../shared/protocol';
import { turnIdOf } from '../../shared/turn-id';
import type { Clock } from './clock';
import { HeldReply } from './held-reply';
import { LaneHistory } from './lane-history';
import type { NoticeHost } from './lane-notice';
import { LaneSpeech } from './lane-speech';
import { nextState, publicState, type LaneEvent, type LaneStateName } from './lane-states';
import { LaneVoice, prepareModel } from './lane-voice';
import { LLM_PRESETS } from './providers/llm/presets';
import type { LlmProvider } from './providers/llm/types';
import { Turn, type TurnOrigin, type TurnPlan, type TurnResult } from './turn';
import type { SpeechFactories } from './voice/speech-factories';
import type { MicMode } from './voice/voice-input';

export type { SpeechFactories } from './voice/speech-factories';
export type { TurnPlan, TurnResult } from './turn';

/** Builds the provider for a spec; throws LaneSpecError (with a presenter-readable message) on bad config. */
export type ProviderFactory = (spec: LaneSpec) => LlmProvider;

export interface LaneDeps {
  clock: Clock;
  createProvider: ProviderFactory;
  speech: SpeechFactories;
  emit: (event: EngineEvent) => void;
  emitAudio: (frame: AudioFrame) => void;
}

export const VOICE_SYSTEM_PROMPT =
  'You are a friendly voice assistant in a live conversation. Answer in one to three short, ' +
  'natural spoken sentences. No lists, no markdown, no emoji.';

export class Lane {
  private spec: LaneSpec;
  private provider: LlmProvider;
  /** The conversation since the reset, bounded (see lane-history.ts). */
  private readonly history = new LaneHistory();
  private state: LaneStateName = 'idle';
  /** The newest turn, until it ends; a turn it replaced may still be winding down. */
  private turn: Turn | null = null;
  /** Settles when the newest turn has ended and written its history: the next turn starts after it. */
  private settled: Promise<unknown> = Promise.resolve();
  private turnCount = 0;
  private readonly speech: LaneSpeech;
  private readonly voice: LaneVoice;
  /** Where the speech providers tell the clients they run on the engine thread (lane-notice.ts). */
  private readonly notices: NoticeHost;
  private audioSeq = 0;
  /** The last finished turns' timelines since the reset, oldest first (for clients that connect later). */
  private readonly recent: RecentTurn[] = [];
  /** Counts resets: a turn begun before one belongs to a conversation that is gone. */
  private conversation = 0;
  /** Turns whose timeline has not been sent yet. */
  private readonly unfinished = new Set<string>();
  /** The reply lane-voice.ts started at a pause in the user's speech, until adopted or discarded. */
  private heldReply: HeldReply | null = null;
  /** While a race runs on other lanes this one does not listen: its microphone audio is dropped. */
  private held = false;

  constructor(
    readonly id: string,
    private label: string,
    specText: string,
    private readonly deps: LaneDeps,
  ) {
    this.spec = parseLaneSpec(specText);
    this.provider = deps.createProvider(this.spec);
    this.notices = {
      laneId: id,
      emit: deps.emit,
      current: (stage) => (stage === 'stt' ? this.speech.stt : this.speech.tts),
    };
    this.speech = new LaneSpeech(deps.speech, this.notices);
    this.voice = new LaneVoice({
      laneId: id,
      clock: deps.clock,
      emit: deps.emit,
      createVad: () => deps.speech.createVad(),
      apply: (event) => this.apply(event),
      bargeIn: () => this.cancel(),
      send: (text, origin) => void this.begin(text, origin),
      speculate: (text) => void this.begin(text, { userDoneAtMs: deps.clock.now() }, undefined, true),
      adopt: (text, origin) => this.takeHeldReply()?.adopt(text, origin) ?? false,
      discard: () => {
        const reply = this.takeHeldReply();
        // No client ever saw it: its number goes to the next turn.
        if (reply && this.turnCount === reply.number) this.turnCount -= 1;
        return reply?.discard() ?? 0;
      },
      turnTaking: deps.speech.turnTaking,
    });
  }

  snapshot(): LaneSnapshot {
    return {
      laneId: this.id,
      label: this.label,
      spec: formatLaneSpec(this.spec),
      provider: this.provider.id,
      model: this.provider.model,
      state: publicState(this.state),
      speech: { ...this.speech.shown, mic: this.voice.micMode },
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

  /** The lane's backend now (a bot-to-bot line plans its turn with it). */
  get backend(): LlmProvider {
    return this.provider;
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
    const change = this.speech.prepare(opts);
    if (change.sttChanged) this.voice.stopTranscribing();
    if (change.sttChanged || change.ttsChanged) this.cancel();
    const { stt, tts } = change.apply();
    if (stt) this.voice.setStt(stt);
    // The first reply must not wait seconds for a cold synthesizer or a model download: start now.
    const warm = tts?.warm?.bind(tts);
    if (warm)
      prepareModel({ laneId: this.id, emit: this.deps.emit }, 'tts', (onProgress) => warm({ onProgress }));
    this.emitState();
  }

  /** Turns the microphone off, to open mic, or to push-to-talk. Loads the VAD on first use. */
  async setMicMode(mode: MicMode): Promise<void> {
    await this.voice.setMicMode(mode);
    // During a turn the state stays the turn's, but the clients must still see the new mic mode.
    if (!this.apply('mic')) this.emitState();
  }

  ptt(down: boolean, atMs: number): void {
    if (!this.held) this.voice.ptt(down, atMs);
  }

  pushAudio(frame: AudioFrame): void {
    if (!this.held) this.voice.pushAudio(frame);
  }

  /**
   * Holds the lane while a race runs beside it (the stage shows only the race): its turn and any
   * transcription stop, and its microphone is not heard until it is released, so an open mic in a
   * lane nobody sees never answers over the race. Typed sends still work.
   */
  hold(on: boolean): void {
    if (on === this.held) return;
    this.held = on;
    if (on) {
      this.voice.stopTranscribing();
      this.cancel();
    }
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

  /**
   * Starts a turn and resolves with its result once it is over and in the history; a turn still in
   * flight is cancelled first (the newest request wins). Text is a typed turn, answered from the
   * lane's history, backend and voice; a plan (a persona's line in a bot-to-bot run) brings its own.
   */
  send(request: string | TurnPlan): Promise<TurnResult> {
    if (typeof request === 'string') return this.begin(request, { userDoneAtMs: this.deps.clock.now() });
    return this.begin(request.userText, request.origin, request);
  }

  /** Cancels the turn in flight, if any: stops generation and speech at once. */
  cancel(): void {
    this.turn?.cancel();
  }

  playbackStarted(turnId: string, audibleAtMs: number): void {
    if (this.turn?.id === turnId) this.turn.playbackStarted(audibleAtMs);
  }

  playbackEnded(turnId: string, report: { playedMs: number; endedAtMs: number; interrupted: boolean }): void {
    if (this.turn?.id === turnId) this.turn.playbackEnded(report);
  }

  /** Cancels and waits for the turn to wind down (shutdown, lane removal). */
  async close(): Promise<void> {
    const pending = this.turn ? this.settled : undefined;
    this.voice.stopTranscribing();
    this.cancel();
    await pending;
  }

  /** The held reply, once (adopted or discarded, it is held no more); null when a newer turn began. */
  private takeHeldReply(): HeldReply | null {
    const reply = this.heldReply;
    this.heldReply = null;
    return reply !== null && reply.turn === this.turn ? reply : null;
  }

  /** `speculative`: the turn runs held (see Turn); its user entry enters the history when it is adopted. */
  private begin(
    userText: string,
    origin: TurnOrigin,
    given?: TurnPlan,
    speculative = false,
  ): Promise<TurnResult> {
    this.cancel();
    this.heldReply = null;
    this.turnCount += 1;
    const number = this.turnCount;
    const turnId = turnIdOf(this.id, number);
    const conversation = this.conversation;
    const current = (): boolean => this.conversation === conversation;
    /** This turn's history entries, sent to the clients once, when the turn ends (`history.append`). */
    const entries: ChatEntry[] = [];
    const record = (entry: ChatEntry): void => {
      entries.push(entry);
      this.history.push(entry, this.contextChars);
    };
    // The turn before writes its (partial) reply to history first, so history keeps the spoken order.
    const userEntry: ChatEntry = { role: 'user', text: userText, turnId };
    const plan = this.settled.then((): TurnPlan => {
      if (!given?.speaker && current() && !speculative) record(userEntry);
      if (given) return given;
      const windowed = this.history.context(
        VOICE_SYSTEM_PROMPT,
        this.contextChars,
        speculative ? userEntry : undefined,
      );
      return {
        userText,
        origin,
        messages: windowed.messages,
        context: windowed.report,
        provider: this.provider,
        voice: this.speech.tts,
      };
    });
    const turn: Turn = new Turn(turnId, plan, {
      laneId: this.id,
      clock: this.deps.clock,
      createChunker: this.deps.speech.createChunker,
      emit: this.deps.emit,
      sendAudio: (samples, sampleRate) =>
        this.deps.emitAudio({
          kind: TTS_AUDIO,
          laneId: this.id,
          seq: this.audioSeq++,
          turn: number,
          atMs: this.deps.clock.now(),
          sampleRate,
          samples,
        }),
      // A turn that was replaced winds down without moving the lane: the newer turn owns the state.
      onPhase: (phase) => {
        if (this.turn === turn) this.apply(phase === 'thinking' ? 'turn.thinking' : 'turn.speaking');
      },
      held: speculative,
    });
    this.turn = turn;
    const adopted = (): void => {
      this.unfinished.add(turnId);
      // After the turn before has written its reply (the plan waits for it): history keeps the spoken order.
      void plan.then(() => current() && record(userEntry));
    };
    if (speculative) this.heldReply = new HeldReply(turn, number, userText, adopted);
    else this.unfinished.add(turnId);
    const done = turn.result.then((result) => {
      if (turn.discarded) {
        // Nobody saw it: no history, no timeline, no state to restore (it never moved the lane).
        if (this.turn === turn) this.turn = null;
        return result;
      }
      // The turn has just sent `turn.metrics`; no client can connect in between (same microtask run).
      this.unfinished.delete(turnId);
      if (result.timeline && current()) {
        this.recent.push({ laneId: this.id, turnId, timeline: result.timeline });
        if (this.recent.length > RECENT_TURNS) this.recent.splice(0, this.recent.length - RECENT_TURNS);
        if (result.assistantText !== null) {
          const speaker = given?.speaker;
          record({
            role: speaker?.role ?? 'assistant',
            text: result.assistantText,
            turnId,
            ...(speaker ? { speaker: speaker.name } : {}),
            ...(result.interrupted ? { interrupted: true } : {}),
          });
        }
      }
      if (entries.length > 0 && current()) {
        this.deps.emit({
          type: 'history.append',
          laneId: this.id,
          turnId,
          entries: entries.map((e) => ({ ...e })),
        });
      }
      if (this.turn === turn) {
        this.turn = null;
        this.apply('turn.ended');
      } else {
        this.emitState();
      }
      return result;
    });
    this.settled = done;
    return done;
  }

  /** Moves the lane through its state table; false (and nothing announced) when the table refuses the event. */
  private apply(event: LaneEvent): boolean {
    const next = nextState(this.state, event, this.voice.micOn);
    if (next === null) return false;
    this.state = next;
    this.voice.setBotSpeaking(next === 'speaking');
    this.emitState();
    return true;
  }

  private emitState(): void {
    this.deps.emit({ type: 'lane.state', lane: this.snapshot() });
  }
}
