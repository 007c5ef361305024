/**
 * The overlay history as the engine's events shape it: the recent turns in `hello` fill it without
 * doubling a turn the page already has, a reset empties the lane, and a turn cut short by the reset
 * does not come back when its late timeline arrives.
 */
import { describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/shared/metrics';
import { RECENT_TURNS, type EngineEvent, type LaneHello, type RecentTurn } from '../../src/shared/protocol';
import { HistoryFeed } from '../../src/renderer/src/overlay/history-feed';
import { createOverlayStore, type HistoryEntry } from '../../src/renderer/src/overlay/overlay-store';

function timeline(gapMs: number): TurnTimeline {
  return {
    endpointMs: null,
    sttMs: null,
    ttftMs: 20,
    firstChunkMs: 5,
    ttsMs: 30,
    playoutMs: 40,
    gapMs,
    speechMs: 900,
    tokens: 10,
    reasoningTokens: 0,
    firstChunkTokens: 3,
    tokensPerSecond: 5000,
    genMs: 2,
    interrupted: false,
    at: {
      lastVoicedAtMs: null,
      endpointAtMs: null,
      transcriptAtMs: null,
      requestAtMs: 1_000,
      firstTokenAtMs: 1_020,
      firstChunkAtMs: 1_025,
      firstAudioAtMs: 1_055,
      audibleAtMs: 1_095,
      playbackEndAtMs: 2_000,
    },
  };
}

const turn = (laneId: string, n: number): RecentTurn => ({
  laneId,
  turnId: `${laneId}-${n}`,
  timeline: timeline(100 + n),
});

function lane(laneId: string, label = laneId): LaneHello {
  return {
    laneId,
    label,
    spec: 'sim:tps=5000',
    provider: 'sim',
    model: 'sim-1',
    state: 'idle',
    history: [],
    omittedEntries: 0,
    speech: { stt: 'typed', tts: 'none', mic: 'off' },
  };
}

function hello(lanes: LaneHello[], recentTurns: RecentTurn[]): EngineEvent {
  return { type: 'hello', engineAtMs: 5_000, lanes, presets: [], providers: [], voices: [], recentTurns };
}

/** A feed over a fresh store, wired as the overlay services wire it (metrics are what `live` reports). */
function setup() {
  const store = createOverlayStore();
  const feed = new HistoryFeed(store);
  const apply = (event: EngineEvent): void => {
    if (!feed.admits(event)) return;
    if (event.type === 'turn.metrics') {
      store.getState().addTurn({ ...event, label: 'live', spec: '', provider: '' });
    }
    feed.apply(event);
  };
  const ids = (laneId: string): string[] => (store.getState().history[laneId] ?? []).map((t) => t.turnId);
  return { store, apply, ids };
}

const metrics = (t: RecentTurn): EngineEvent => ({ type: 'turn.metrics', ...t });

describe('overlay history from hello and resets', () => {
  it('a page that connects fills each lane from hello, with the lane label, in order', () => {
    const { store, apply, ids } = setup();
    apply(hello([lane('a', 'Fast'), lane('b')], [turn('a', 1), turn('b', 1), turn('a', 2)]));
    expect(ids('a')).toEqual(['a-1', 'a-2']);
    expect(ids('b')).toEqual(['b-1']);
    const first: HistoryEntry = store.getState().history.a![0]!;
    expect(first).toMatchObject({ label: 'Fast', spec: 'sim:tps=5000', provider: 'sim' });
    expect(first.timeline).toEqual(turn('a', 1).timeline);
  });

  it('a reconnect does not double a turn the page already has, and adds the ones it missed', () => {
    const { store, apply, ids } = setup();
    apply(hello([lane('a')], []));
    apply(metrics(turn('a', 1)));
    apply(metrics(turn('a', 2)));
    // Disconnected while a-3 finished; the engine sends its last turns again.
    apply(hello([lane('a')], [turn('a', 1), turn('a', 2), turn('a', 3)]));
    expect(ids('a')).toEqual(['a-1', 'a-2', 'a-3']);
    // The turns it had stay as they were recorded live.
    expect(store.getState().history.a![0]!.label).toBe('live');
  });

  it('keeps older turns than the engine sends back when the engine sent a full list', () => {
    const { apply, ids } = setup();
    const all = Array.from({ length: RECENT_TURNS + 5 }, (_, i) => turn('a', i + 1));
    apply(hello([lane('a')], []));
    for (const t of all) apply(metrics(t));
    apply(hello([lane('a')], all.slice(-RECENT_TURNS)));
    expect(ids('a')).toEqual(all.map((t) => t.turnId));
  });

  it('a reset the page missed while away empties what it had before', () => {
    const { apply, ids } = setup();
    apply(hello([lane('a')], []));
    apply(metrics(turn('a', 1)));
    apply(metrics(turn('a', 2)));
    apply(hello([lane('a')], [turn('a', 4)]));
    expect(ids('a')).toEqual(['a-4']);
  });

  it('lane.cleared empties that lane only; the cut-short turn does not come back', () => {
    const { apply, ids } = setup();
    apply(hello([lane('a'), lane('b')], [turn('a', 1), turn('b', 1)]));
    apply({ type: 'lane.cleared', laneId: 'a', staleTurnIds: ['a-2'] });
    expect(ids('a')).toEqual([]);
    expect(ids('b')).toEqual(['b-1']);
    apply(metrics(turn('a', 2)));
    expect(ids('a')).toEqual([]);
    apply(metrics(turn('a', 3)));
    expect(ids('a')).toEqual(['a-3']);
  });
});
