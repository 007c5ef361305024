/**
 * Catches a lane state table that lets the microphone override a turn (a "mhm" over the bot showing
 * `user-speaking` while it talks), that forgets the mic mode when coming to rest, or that gains or
 * loses a move unnoticed: every cell of state × event is checked against the list below, written out
 * by hand. Refused events leave the state as it was (nextState returns null, the lane announces nothing).
 */
import { describe, expect, it } from 'vitest';
import {
  LANE_TRANSITIONS,
  nextState,
  publicState,
  type LaneEvent,
  type LaneStateName,
} from '../../src/main/engine/lane-states';

const STATES: LaneStateName[] = [
  'idle',
  'listening',
  'user-speaking',
  'endpointing',
  'transcribing',
  'thinking',
  'speaking',
];
const EVENTS: LaneEvent[] = [
  'mic',
  'speech.start',
  'speech.end',
  'stt.start',
  'stt.none',
  'turn.thinking',
  'turn.speaking',
  'turn.ended',
];

/** Every legal move, `from event to`; `rest` is idle with the mic off and listening with it on. */
const LEGAL = `
  idle mic rest
  idle stt.none rest
  idle turn.thinking thinking
  idle turn.ended rest
  ${['listening', 'user-speaking', 'endpointing', 'transcribing']
    .map(
      (s) => `
  ${s} mic rest
  ${s} speech.start user-speaking
  ${s} speech.end endpointing
  ${s} stt.start transcribing
  ${s} stt.none rest
  ${s} turn.thinking thinking
  ${s} turn.ended rest`,
    )
    .join('')}
  thinking turn.thinking thinking
  thinking turn.speaking speaking
  thinking turn.ended rest
  speaking turn.thinking thinking
  speaking turn.ended rest
`;

const legal = new Map(
  LEGAL.trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/) as [string, string, string])
    .map(([from, event, to]) => [`${from} ${event}`, to]),
);

describe('lane state table', () => {
  it('has exactly the legal moves listed, each to its target, resting by the mic mode', () => {
    expect(legal.size).toBe(37);
    for (const from of STATES) {
      for (const event of EVENTS) {
        const to = legal.get(`${from} ${event}`);
        for (const micOn of [false, true]) {
          const expected = to === undefined ? null : to === 'rest' ? (micOn ? 'listening' : 'idle') : to;
          expect(nextState(from, event, micOn), `${from} --${event}--> (mic ${micOn ? 'on' : 'off'})`).toBe(
            expected,
          );
        }
      }
    }
    expect(Object.keys(LANE_TRANSITIONS).sort()).toEqual([...STATES].sort());
  });

  it('refuses every mic-side event while a turn is in flight', () => {
    for (const from of ['thinking', 'speaking'] as const) {
      for (const event of ['mic', 'speech.start', 'speech.end', 'stt.start', 'stt.none'] as const) {
        expect(nextState(from, event, true)).toBeNull();
      }
    }
  });

  it('shows transcribing to the clients as thinking, every other state as itself', () => {
    expect(STATES.map(publicState)).toEqual([
      'idle',
      'listening',
      'user-speaking',
      'endpointing',
      'thinking',
      'thinking',
      'speaking',
    ]);
  });
});
