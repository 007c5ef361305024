/**
 * One lane registry for the renderer: a lane that is removed, or missing from a new socket's
 * `hello`, is forgotten by every per-lane store and tracker at once — before, six places each
 * handled `lane.removed` and only some of them dropped lanes a `hello` no longer listed.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent, LaneHello, LaneSnapshot } from '../../src/shared/protocol';
import { LiveOverlay } from '../../src/renderer/src/overlay/overlay-live';
import { createRaceStore } from '../../src/renderer/src/race/race-store';
import { createAppStore } from '../../src/renderer/src/store/app-store';
import { createAudioStore } from '../../src/renderer/src/store/audio-store';
import { createLaneRegistry } from '../../src/renderer/src/store/lane-registry';
import { LiveTurns } from '../../src/renderer/src/stream/live-turns';

function snapshot(laneId: string): LaneSnapshot {
  return {
    laneId,
    label: laneId,
    spec: 'sim:tps=5000',
    provider: 'sim',
    model: 'sim-1',
    state: 'idle',
    speech: { stt: 'typed', tts: 'none', mic: 'off' },
  };
}

function hello(...ids: string[]): EngineEvent {
  const lanes: LaneHello[] = ids.map((id) => ({ ...snapshot(id), history: [], omittedEntries: 0 }));
  return { type: 'hello', engineAtMs: 1_000, lanes, presets: [], providers: [], voices: [], recentTurns: [] };
}

const laneState = (id: string): EngineEvent => ({ type: 'lane.state', lane: snapshot(id) });
const removed = (id: string): EngineEvent => ({ type: 'lane.removed', laneId: id });

describe('lane registry', () => {
  it('keeps the engine order and reports each lane that goes, once', () => {
    const lanes = createLaneRegistry();
    const gone: string[] = [];
    const stop = lanes.getState().onRemoved((id) => gone.push(id));
    const apply = (e: EngineEvent): void => lanes.getState().applyEvent(e);

    apply(hello('a', 'b'));
    apply(laneState('c'));
    apply(laneState('a'));
    expect(lanes.getState().laneOrder).toEqual(['a', 'b', 'c']);

    apply(removed('b'));
    expect(lanes.getState().laneOrder).toEqual(['a', 'c']);
    expect(gone).toEqual(['b']);

    // A new socket after an engine restart: `c` is no longer there.
    apply(hello('a', 'd'));
    expect(lanes.getState().laneOrder).toEqual(['a', 'd']);
    expect(gone).toEqual(['b', 'c']);

    // A lane this page never listed still reaches the trackers that may have seen its audio.
    apply(removed('x'));
    expect(gone).toEqual(['b', 'c', 'x']);

    stop();
    apply(removed('a'));
    expect(gone).toEqual(['b', 'c', 'x']);
  });

  it('lets every store and tracker forget a removed lane, and a lane hello no longer lists', () => {
    const lanes = createLaneRegistry();
    const app = createAppStore();
    const audio = createAudioStore();
    const race = createRaceStore(() => 0);
    const live = new LiveTurns(
      () => 2_000,
      () => {},
    );
    const overlay = new LiveOverlay(
      () => 2_000,
      () => {},
      () => {},
    );
    lanes.getState().onRemoved((id) => {
      app.getState().forgetLane(id);
      audio.getState().forgetLane(id);
      race.getState().forgetLane(id);
      live.forgetLane(id);
      overlay.forgetLane(id);
    });
    const apply = (e: EngineEvent): void => {
      app.getState().applyEvent(e);
      audio.getState().applyEvent(e);
      race.getState().applyEvent(e);
      live.apply(e);
      overlay.apply(e);
      lanes.getState().applyEvent(e);
    };

    apply(hello('a', 'b', 'c'));
    apply({
      type: 'scenario.started',
      scenario: 'goodbye',
      title: 'Goodbye',
      personas: [],
      lanes: ['a', 'b', 'c'].map((laneId) => ({ laneId, label: laneId, spec: 'sim' })),
      speech: false,
      warnings: [],
    });
    for (const id of ['a', 'b', 'c']) {
      apply({ type: 'turn.started', laneId: id, turnId: `${id}-1`, userText: 'hi', requestAtMs: 1_500 });
      app.getState().addLocalError(id, 'disconnected', 'not sent');
    }
    const held = (id: string) => ({
      app: id in app.getState().lanes || id in app.getState().turns || id in app.getState().errors,
      audio: id in audio.getState().lanes,
      race: id in race.getState().lanes || race.getState().laneOrder.includes(id),
      live: live.current(id) !== null,
      overlay: overlay.turn(id) !== null,
    });
    const all = { app: true, audio: true, race: true, live: true, overlay: true };
    const none = { app: false, audio: false, race: false, live: false, overlay: false };
    expect(held('b')).toEqual(all);

    apply(removed('b'));
    expect(held('b')).toEqual(none);

    apply(hello('a'));
    expect(held('c')).toEqual(none);
    expect(held('a')).toEqual(all);
    expect(lanes.getState().laneOrder).toEqual(['a']);
  });
});
