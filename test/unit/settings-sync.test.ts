/**
 * The page's side of settings that last (renderer stores, no browser): the engine's `settings` event
 * is applied once per connection (volume/pan per lane, devices by id or else by label, as soon as
 * the device list has them; the race picker preselects the last scenario) and a presenter's change
 * goes back as one debounced `settings.set`. The engine's `providers` event updates the key flags.
 *
 * Bugs these catch: the page ignoring the saved settings (defaults after every restart), a device
 * whose id changed not found by its label, changes never sent (nothing saved), one message per
 * slider step instead of one per pause, applying saved settings echoed back as a change, and key
 * flags that stay "no key" until a reconnect.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage, EngineEvent } from '../../src/shared/protocol';
import {
  createAudioStore,
  createSettingsSync,
  matchDevice,
  SETTINGS_SEND_DEBOUNCE_MS,
  type AudioSettingsTarget,
  type AudioStore,
} from '../../src/renderer/src/store/audio-store';
import { createRaceStore } from '../../src/renderer/src/race/race-store';
import { createAppStore } from '../../src/renderer/src/store/app-store';

type SettingsEvent = Extract<EngineEvent, { type: 'settings' }>;

const hello = (laneIds: string[]): EngineEvent =>
  ({
    type: 'hello',
    engineAtMs: 0,
    lanes: laneIds.map((laneId) => ({ laneId })),
    presets: [],
    providers: [],
    voices: [],
    recentTurns: [],
  }) as unknown as EngineEvent;

const settings = (patch: Partial<SettingsEvent> = {}): SettingsEvent => ({
  type: 'settings',
  devices: null,
  laneAudio: {},
  lastScenario: null,
  ...patch,
});

/** What the voice controller does for these calls, on the store only. */
function targetFor(store: AudioStore): AudioSettingsTarget {
  return {
    setVolume: (laneId, volume) => store.getState().patchLane(laneId, { volume }),
    setPan: (laneId, pan) => store.getState().patchLane(laneId, { pan }),
    setOutput: (outputId) => store.getState().patch({ outputId }),
    setInput: (deviceId) =>
      store.getState().patch({ micSettings: { ...store.getState().micSettings, deviceId } }),
  };
}

let store: AudioStore;
let sent: Extract<ClientMessage, { type: 'settings.set' }>[];
beforeEach(() => {
  vi.useFakeTimers();
  store = createAudioStore();
  sent = [];
});
afterEach(() => {
  vi.useRealTimers();
});

function connect() {
  const sync = createSettingsSync(store, targetFor(store), (m) => sent.push(m));
  const h = hello(['fast', 'gpu']);
  store.getState().applyEvent(h);
  sync.handleEvent(h);
  return sync;
}

describe('settings on the page', () => {
  it('applies the saved volume/pan per lane and sends nothing back for it', () => {
    const sync = connect();
    sync.handleEvent(settings({ laneAudio: { fast: { volume: 0.4, pan: -0.5 }, gpu: { pan: 0.75 } } }));
    expect(store.getState().lanes.fast).toMatchObject({ volume: 0.4, pan: -0.5 });
    expect(store.getState().lanes.gpu).toMatchObject({ volume: 0.9, pan: 0.75 });
    vi.advanceTimersByTime(SETTINGS_SEND_DEBOUNCE_MS * 3);
    expect(sent).toEqual([]);
    sync.dispose();
  });

  it('applies once per connection: a second settings event on the same connection changes nothing', () => {
    const sync = connect();
    sync.handleEvent(settings({ laneAudio: { fast: { volume: 0.4 } } }));
    store.getState().patchLane('fast', { volume: 0.7 });
    sync.handleEvent(settings({ laneAudio: { fast: { volume: 0.4 } } }));
    expect(store.getState().lanes.fast?.volume).toBe(0.7);
    // A new connection applies again.
    const h = hello(['fast']);
    sync.handleEvent(h);
    sync.handleEvent(settings({ laneAudio: { fast: { volume: 0.2 } } }));
    expect(store.getState().lanes.fast?.volume).toBe(0.2);
    sync.dispose();
  });

  it('finds the saved devices by id, else by label, once the device lists arrive', () => {
    const sync = connect();
    sync.handleEvent(
      settings({
        devices: { inputId: 'old-mic-id', inputLabel: 'USB mic', outputId: 'out-2', outputLabel: 'Hall PA' },
      }),
    );
    // Not enumerated yet: nothing chosen.
    expect(store.getState().micSettings.deviceId).toBeNull();
    expect(store.getState().outputId).toBe('');
    store.getState().patch({
      inputs: [
        { deviceId: 'built-in', label: 'Built-in mic' },
        { deviceId: 'new-mic-id', label: 'USB mic' },
      ],
      outputs: [
        { deviceId: 'out-1', label: 'Speakers' },
        { deviceId: 'out-2', label: 'Renamed PA' },
      ],
    });
    expect(store.getState().micSettings.deviceId).toBe('new-mic-id');
    expect(store.getState().outputId).toBe('out-2');
    vi.advanceTimersByTime(SETTINGS_SEND_DEBOUNCE_MS * 3);
    expect(sent).toEqual([]);
    sync.dispose();
  });

  it('sends one settings.set per pause when the presenter moves a slider or picks a device', () => {
    const sync = connect();
    sync.handleEvent(settings());
    for (const volume of [0.8, 0.6, 0.5]) {
      store.getState().patchLane('gpu', { volume });
      vi.advanceTimersByTime(SETTINGS_SEND_DEBOUNCE_MS / 3);
    }
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(SETTINGS_SEND_DEBOUNCE_MS);
    expect(sent).toEqual([{ type: 'settings.set', lane: { laneId: 'gpu', volume: 0.5, pan: 0 } }]);

    store.getState().patch({ outputs: [{ deviceId: 'out-9', label: 'Hall PA' }] });
    store.getState().patch({ outputId: 'out-9' });
    vi.advanceTimersByTime(SETTINGS_SEND_DEBOUNCE_MS);
    expect(sent[1]).toEqual({
      type: 'settings.set',
      devices: { inputId: null, outputId: 'out-9', outputLabel: 'Hall PA' },
    });
    expect(sent).toHaveLength(2);
    // A lane that appears later is not a change.
    store.getState().patchLane('race-a', {});
    vi.advanceTimersByTime(SETTINGS_SEND_DEBOUNCE_MS * 2);
    expect(sent).toHaveLength(2);
    sync.dispose();
  });

  it('a slider moved just before the device list arrives is still sent', () => {
    const sync = connect();
    sync.handleEvent(settings({ devices: { inputId: null, outputId: 'out-2' } }));
    store.getState().patchLane('fast', { pan: 0.25 });
    store.getState().patch({ outputs: [{ deviceId: 'out-2', label: 'Hall PA' }] });
    expect(store.getState().outputId).toBe('out-2');
    vi.advanceTimersByTime(SETTINGS_SEND_DEBOUNCE_MS);
    expect(sent).toEqual([{ type: 'settings.set', lane: { laneId: 'fast', volume: 0.9, pan: 0.25 } }]);
    sync.dispose();
  });

  it('matchDevice: id first, label second, nothing for the default', () => {
    const options = [
      { deviceId: 'a', label: 'One' },
      { deviceId: 'b', label: 'Two' },
    ];
    expect(matchDevice(options, 'b', 'One')).toBe('b');
    expect(matchDevice(options, 'gone', 'One')).toBe('a');
    expect(matchDevice(options, 'gone', 'Three')).toBeNull();
    expect(matchDevice(options, null, 'One')).toBeNull();
  });

  it('the race picker preselects the last scenario, kept when the list arrives', () => {
    const race = createRaceStore();
    race
      .getState()
      .applyEvent(
        settings({ lastScenario: { scenario: 'interrupt', lanes: [{ spec: 'fast' }], speech: false } }),
      );
    race.getState().applyEvent({
      type: 'scenario.list',
      scenarios: [
        { name: 'goodbye', title: 'Goodbye' },
        { name: 'interrupt', title: 'Interrupt' },
      ],
      errors: [],
    } as unknown as EngineEvent);
    expect(race.getState().selected).toBe('interrupt');
  });

  it('the providers event updates the key flags without a reconnect', () => {
    const app = createAppStore();
    const cerebras = {
      id: 'cerebras',
      label: 'Cerebras',
      url: 'https://api.cerebras.ai/v1',
      defaultModel: 'm',
      keySet: false,
      needsKey: true,
    };
    app.getState().applyEvent({ ...(hello([]) as object), providers: [cerebras] } as EngineEvent);
    expect(app.getState().providers[0]?.keySet).toBe(false);
    app.getState().applyEvent({ type: 'providers', providers: [{ ...cerebras, keySet: true }] });
    expect(app.getState().providers[0]?.keySet).toBe(true);
  });
});
