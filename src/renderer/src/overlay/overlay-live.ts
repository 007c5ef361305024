/**
 * The turn in flight per lane, for the live waterfall: the engine-clock time each stage was seen
 * reaching (from the events as they arrive) and the token count over time for the rate sparkline.
 * Plain mutable objects, like stream/live-turns.ts: at 20,000 tok/s a token batch costs one array
 * write here and nothing in React; the overlay painter reads it once per animation frame.
 */
import type { AudioFrame } from '../../../shared/audio-frames';
import type { TurnTimeline } from '../../../shared/metrics';
import type { ClientMessage, EngineEvent } from '../../../shared/protocol';
import { turnIdOf } from '../../../shared/turn-id';

/** Engine times (ms) each stage of the turn in flight reached; null until seen. */
export interface LiveMarks {
  lastVoicedAtMs: number | null;
  endpointAtMs: number | null;
  transcriptAtMs: number | null;
  requestAtMs: number | null;
  firstTokenAtMs: number | null;
  firstChunkAtMs: number | null;
  firstAudioAtMs: number | null;
  audibleAtMs: number | null;
}

/** Cumulative tokens (answer + reasoning) over engine time, sampled at most every SAMPLE_MS. */
export interface RateTrace {
  timesMs: number[];
  tokens: number[];
}

export interface LiveLaneTurn {
  laneId: string;
  /** Null while the user is still speaking (the engine has not started the turn). */
  turnId: string | null;
  marks: LiveMarks;
  rate: RateTrace;
  answerTokens: number;
  reasoningTokens: number;
  /** The engine's timeline, once the turn finished. */
  timeline: TurnTimeline | null;
  /** Engine time the turn ended without a timeline (cancelled, failed). */
  endedAtMs: number | null;
}

const SAMPLE_MS = 25;
/** Rate samples kept per turn (a minute and more at SAMPLE_MS). */
const MAX_SAMPLES = 4_000;

function emptyMarks(): LiveMarks {
  return {
    lastVoicedAtMs: null,
    endpointAtMs: null,
    transcriptAtMs: null,
    requestAtMs: null,
    firstTokenAtMs: null,
    firstChunkAtMs: null,
    firstAudioAtMs: null,
    audibleAtMs: null,
  };
}

function newTurn(laneId: string): LiveLaneTurn {
  return {
    laneId,
    turnId: null,
    marks: emptyMarks(),
    rate: { timesMs: [], tokens: [] },
    answerTokens: 0,
    reasoningTokens: 0,
    timeline: null,
    endedAtMs: null,
  };
}

/** The turn's marks as its timeline states them (the timeline is the truth once it arrives). */
function finish(turn: LiveLaneTurn, timeline: TurnTimeline): void {
  turn.timeline = timeline;
  const at = timeline.at;
  turn.marks = {
    lastVoicedAtMs: at.lastVoicedAtMs,
    endpointAtMs: at.endpointAtMs,
    transcriptAtMs: at.transcriptAtMs,
    requestAtMs: at.requestAtMs,
    firstTokenAtMs: at.firstTokenAtMs,
    firstChunkAtMs: at.firstChunkAtMs,
    firstAudioAtMs: at.firstAudioAtMs,
    audibleAtMs: at.audibleAtMs,
  };
}

function finishedTurn(laneId: string, turnId: string, timeline: TurnTimeline): LiveLaneTurn {
  const turn = newTurn(laneId);
  turn.turnId = turnId;
  finish(turn, timeline);
  return turn;
}

/** The turn is still moving: the waterfall grows and the gap counter runs. */
export function inFlight(turn: LiveLaneTurn | null): boolean {
  return turn !== null && turn.timeline === null && turn.endedAtMs === null;
}

export class LiveOverlay {
  private readonly lanes = new Map<string, LiveLaneTurn>();

  /**
   * @param engineNow engine time now by the clock estimate (for stages whose events carry no time)
   * @param onChange called after every change, so the painter can wake up
   * @param onFinished a turn's timeline arrived (the history takes it)
   */
  constructor(
    private readonly engineNow: () => number | null,
    private readonly onChange: () => void,
    private readonly onFinished: (laneId: string, turnId: string, timeline: TurnTimeline) => void,
  ) {}

  turn(laneId: string): LiveLaneTurn | null {
    return this.lanes.get(laneId) ?? null;
  }

  anyInFlight(): boolean {
    for (const turn of this.lanes.values()) if (inFlight(turn)) return true;
    return false;
  }

  apply(event: EngineEvent): void {
    const now = (): number | null => this.engineNow();
    switch (event.type) {
      case 'hello': {
        // A page that (re)loads (OBS on a scene switch) shows each lane's last turn at once, not an
        // empty waterfall; a turn in flight here is left to its own events.
        const last = new Map(event.recentTurns.map((t) => [t.laneId, t]));
        for (const [laneId, recent] of last) {
          const turn = this.lanes.get(laneId);
          if (inFlight(turn ?? null) || turn?.turnId === recent.turnId) continue;
          this.lanes.set(laneId, finishedTurn(laneId, recent.turnId, recent.timeline));
        }
        break;
      }
      case 'vad.start':
        this.lanes.set(event.laneId, newTurn(event.laneId));
        break;
      case 'vad.end': {
        const turn = this.pending(event.laneId);
        turn.marks.lastVoicedAtMs = event.atMs;
        break;
      }
      case 'stt.final': {
        const turn = this.pending(event.laneId);
        const at = now();
        if (at !== null) {
          turn.marks.transcriptAtMs = at;
          turn.marks.endpointAtMs = at - event.sttMs;
        }
        break;
      }
      case 'turn.started': {
        const prior = this.lanes.get(event.laneId);
        // A spoken turn was already being tracked from its VAD events; a typed one starts here.
        const turn =
          prior && prior.turnId === null && prior.endedAtMs === null ? prior : newTurn(event.laneId);
        turn.turnId = event.turnId;
        turn.marks.requestAtMs = event.requestAtMs;
        this.lanes.set(event.laneId, turn);
        break;
      }
      case 'llm.token':
      case 'llm.reasoning': {
        const turn = this.current(event.laneId, event.turnId);
        if (!turn) return;
        turn.marks.firstTokenAtMs ??= event.firstAtMs;
        if (event.type === 'llm.token') turn.answerTokens = event.totalTokens;
        else turn.reasoningTokens = event.totalTokens;
        this.sample(turn.rate, event.lastAtMs, turn.answerTokens + turn.reasoningTokens);
        break;
      }
      case 'tts.text': {
        const turn = this.current(event.laneId, event.turnId);
        if (!turn || event.index !== 0) return;
        turn.marks.firstChunkAtMs ??= now();
        break;
      }
      case 'turn.metrics': {
        let turn = this.current(event.laneId, event.turnId);
        if (!turn) {
          turn = newTurn(event.laneId);
          turn.turnId = event.turnId;
          this.lanes.set(event.laneId, turn);
        }
        finish(turn, event.timeline);
        this.onFinished(event.laneId, event.turnId, event.timeline);
        break;
      }
      case 'interrupt':
      case 'error': {
        if (event.laneId === undefined || event.turnId === undefined) return;
        const turn = this.current(event.laneId, event.turnId);
        // A cancelled turn still sends its timeline; stop the counter now, the timeline follows.
        if (turn && turn.timeline === null) turn.endedAtMs ??= now() ?? turn.marks.requestAtMs;
        break;
      }
      case 'lane.cleared':
        this.lanes.delete(event.laneId);
        break;
      default:
        return;
    }
    this.onChange();
  }

  /** Speech audio reached this page: the first frame of a turn is "first audio at the engine". */
  applyAudio(frame: AudioFrame): void {
    const turn = this.current(frame.laneId, turnIdOf(frame.laneId, frame.turn));
    if (!turn || turn.marks.firstAudioAtMs !== null || frame.samples.length === 0) return;
    turn.marks.firstAudioAtMs = frame.atMs;
    this.onChange();
  }

  /** What this page tells the engine: its player's first audible sample ends the gap. */
  applyClientMessage(message: ClientMessage): void {
    if (message.type !== 'playback.started') return;
    const turn = this.current(message.laneId, message.turnId);
    if (!turn || turn.marks.audibleAtMs !== null) return;
    turn.marks.audibleAtMs = message.audibleAtMs;
    this.onChange();
  }

  /** The lane is gone (see store/lane-registry.ts). */
  forgetLane(laneId: string): void {
    if (this.lanes.delete(laneId)) this.onChange();
  }

  private current(laneId: string, turnId: string): LiveLaneTurn | null {
    const turn = this.lanes.get(laneId);
    return turn?.turnId === turnId ? turn : null;
  }

  /** The spoken turn being tracked before the engine starts it (created on a missed vad.start). */
  private pending(laneId: string): LiveLaneTurn {
    let turn = this.lanes.get(laneId);
    if (!turn || turn.turnId !== null) {
      turn = newTurn(laneId);
      this.lanes.set(laneId, turn);
    }
    return turn;
  }

  private sample(rate: RateTrace, atMs: number, tokens: number): void {
    const n = rate.timesMs.length;
    if (n > 1 && atMs - rate.timesMs[n - 2]! < SAMPLE_MS) {
      rate.timesMs[n - 1] = atMs;
      rate.tokens[n - 1] = tokens;
      return;
    }
    if (n >= MAX_SAMPLES) return;
    rate.timesMs.push(atMs);
    rate.tokens.push(tokens);
  }
}
