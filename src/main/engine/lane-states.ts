/**
 * A lane's turn-taking states and every move between them, in one table: state × event → state.
 * The lane changes state only through `nextState`; an event the table does not list for the current
 * state is refused (the state stays, nothing is announced).
 *
 * Why refusals rather than errors: the microphone side and the turn run concurrently, and the table
 * is where their precedence is decided. While a turn is in flight (`thinking`, `speaking`) the turn
 * owns the state — the user's speech over it is echo, a backchannel or a barge-in (which cancels the
 * turn by its own path) — so mic-side events are refused there, as they always were; refusing a
 * late or concurrent event is the normal case, not a fault.
 */
import type { LaneState } from '../../shared/protocol';

/**
 * The lane's own states. `transcribing` is the one the clients do not have: they see it as
 * `thinking`, but unlike a turn's `thinking` it gives way to the microphone.
 */
export type LaneStateName = LaneState | 'transcribing';

export type LaneEvent =
  /** The microphone was turned off, to open mic, or to push-to-talk. */
  | 'mic'
  /** The VAD (or the push-to-talk key) heard the user start. */
  | 'speech.start'
  /** … and stop. */
  | 'speech.end'
  /** An utterance went to STT. */
  | 'stt.start'
  /** The utterance held no words, STT failed, or there is no STT: no turn follows. */
  | 'stt.none'
  /** A turn began its request (the lane's current turn). */
  | 'turn.thinking'
  /** The current turn's first audio went out. */
  | 'turn.speaking'
  /** The current turn is over. */
  | 'turn.ended';

/** `rest`: idle with the microphone off, listening with it on. */
export type Target = LaneStateName | 'rest';

type Row = Partial<Record<LaneEvent, Target>>;

/** The user's side of a lane with no turn in flight: what the old guards allowed "when no turn". */
const heard: Row = {
  mic: 'rest',
  'speech.start': 'user-speaking',
  'speech.end': 'endpointing',
  'stt.start': 'transcribing',
  'stt.none': 'rest',
  'turn.thinking': 'thinking',
  'turn.ended': 'rest',
};

export const LANE_TRANSITIONS: Readonly<Record<LaneStateName, Row>> = {
  // The microphone is off: no speech events; a transcription that was running when it went off may end.
  idle: { mic: 'rest', 'stt.none': 'rest', 'turn.thinking': 'thinking', 'turn.ended': 'rest' },
  listening: heard,
  'user-speaking': heard,
  endpointing: heard,
  transcribing: heard,
  // A turn's states: only the turn moves the lane on. A newer turn may take over from either.
  thinking: { 'turn.thinking': 'thinking', 'turn.speaking': 'speaking', 'turn.ended': 'rest' },
  speaking: { 'turn.thinking': 'thinking', 'turn.ended': 'rest' },
};

/** The state after `event`, or null when the table refuses it in `from`. */
export function nextState(from: LaneStateName, event: LaneEvent, micOn: boolean): LaneStateName | null {
  const target = LANE_TRANSITIONS[from][event];
  if (target === undefined) return null;
  if (target !== 'rest') return target;
  return micOn ? 'listening' : 'idle';
}

/** The state as the protocol names it. */
export function publicState(state: LaneStateName): LaneState {
  return state === 'transcribing' ? 'thinking' : state;
}
