/**
 * Settings that last across restarts, kept by the engine (the one process in both Electron and web
 * mode): the lanes with their speech settings, the page's devices and each lane's volume/pan, and the
 * last scenario run. Saved (debounced) whenever they change; at start the saved lanes are created
 * again instead of the page's default lane. The microphone is never saved: every lane starts with it
 * off. No key is ever written: specs are stored with `key=` removed.
 */
import path from 'node:path';
import type { ClientMessage, EngineEvent, LaneSnapshot } from '../../shared/protocol';
import { redact } from '../../shared/redact';
import type { Engine, EngineClient } from './engine';
import {
  configDir,
  loadSettingsFile,
  SETTINGS_FILE,
  writeSettingsFile,
  type SavedLane,
  type Settings,
} from './settings-file';

/** Changes within this window are written once. */
export const SAVE_DEBOUNCE_MS = 300;

/** The spec text with every `key=` pair removed (and anything else secret-looking masked). */
export function withoutKey(spec: string): string {
  const colon = spec.indexOf(':');
  if (colon < 0) return redact(spec);
  const pairs = spec
    .slice(colon + 1)
    .split(',')
    .filter((pair) => !/^\s*(?:api[_-]?)?key=/i.test(pair));
  const head = spec.slice(0, colon);
  return redact(pairs.length > 0 ? `${head}:${pairs.join(',')}` : head);
}

export type SettingsChange = Extract<ClientMessage, { type: 'settings.set' }>;

export class EngineSettings {
  private settings: Settings;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastWritten: string;
  private restoring = false;

  constructor(
    readonly file: string,
    initial: Settings,
    private readonly opts: { debounceMs?: number; warn?: (message: string) => void } = {},
  ) {
    this.settings = initial;
    this.lastWritten = JSON.stringify(initial);
  }

  /** Loads `settings.json` from the config folder (`DIALTONE_CONFIG_DIR` overrides). */
  static async open(
    env: Record<string, string | undefined>,
    opts: { debounceMs?: number; warn?: (message: string) => void } = {},
  ): Promise<EngineSettings> {
    const warn = opts.warn ?? ((m: string) => console.warn(m));
    const file = path.join(configDir(env), SETTINGS_FILE);
    const loaded = await loadSettingsFile(file);
    if (loaded.warning) warn(loaded.warning);
    return new EngineSettings(file, loaded.settings, { ...opts, warn });
  }

  get current(): Settings {
    return this.settings;
  }

  /**
   * Creates the saved lanes in the engine, each with its speech settings (the microphone off). A lane
   * that can no longer be created (a preset gone, a key missing) is skipped with a warning.
   */
  restoreLanes(engine: Engine): void {
    const saved = this.settings.lanes;
    this.restoring = true;
    try {
      for (const lane of saved) this.restoreLane(engine, lane);
    } finally {
      this.restoring = false;
    }
    // Lanes that did not come back are dropped from the file.
    this.captureLanes(engine.laneIds().map((id) => engine.lane(id).snapshot()));
  }

  private restoreLane(engine: Engine, lane: SavedLane): void {
    {
      const problems: string[] = [];
      const collector: EngineClient = {
        send: (event) => {
          if (event.type === 'error') problems.push(event.message);
        },
        sendBinary: () => {},
      };
      engine.handle(collector, {
        type: 'lane.create',
        laneId: lane.laneId,
        spec: lane.spec,
        label: lane.label,
        stt: lane.stt,
        tts: lane.tts,
      });
      if (problems.length > 0) {
        this.opts.warn?.(`Dialtone: saved lane "${lane.laneId}" was not restored: ${problems.join('; ')}`);
      }
    }
  }

  /** Watches the engine's events: lane changes and scenario starts are saved. */
  observe(engine: Engine, event: EngineEvent): void {
    if (this.restoring) return;
    if (event.type === 'lane.state' || event.type === 'lane.removed') {
      this.captureLanes(engine.laneIds().map((id) => engine.lane(id).snapshot()));
    } else if (event.type === 'scenario.started') {
      this.update({
        lastScenario: {
          scenario: event.scenario,
          lanes: event.lanes.map((l) => ({ laneId: l.laneId, label: l.label, spec: withoutKey(l.spec) })),
          speech: event.speech,
        },
      });
    }
  }

  /** The lanes as they are now; volume/pan set earlier for a lane id are kept. */
  captureLanes(snapshots: LaneSnapshot[]): void {
    const previous = new Map(this.settings.lanes.map((l) => [l.laneId, l]));
    const lanes: SavedLane[] = snapshots.map((s) => {
      const before = previous.get(s.laneId);
      return {
        laneId: s.laneId,
        label: redact(s.label),
        spec: withoutKey(s.spec),
        stt: withoutKey(s.speech.stt),
        tts: withoutKey(s.speech.tts),
        ...(before?.volume === undefined ? {} : { volume: before.volume }),
        ...(before?.pan === undefined ? {} : { pan: before.pan }),
      };
    });
    this.update({ lanes });
  }

  /** A `settings.set` from a page: devices, or one lane's volume/pan. */
  apply(change: SettingsChange): void {
    if (change.devices !== undefined) this.update({ devices: change.devices });
    if (change.lane !== undefined) {
      const { laneId, volume, pan } = change.lane;
      this.update({
        lanes: this.settings.lanes.map((l) =>
          l.laneId !== laneId
            ? l
            : { ...l, ...(volume === undefined ? {} : { volume }), ...(pan === undefined ? {} : { pan }) },
        ),
      });
    }
  }

  /** What a page applies when it connects. */
  event(): Extract<EngineEvent, { type: 'settings' }> {
    const laneAudio: Record<string, { volume?: number; pan?: number }> = {};
    for (const l of this.settings.lanes) {
      if (l.volume !== undefined || l.pan !== undefined)
        laneAudio[l.laneId] = { volume: l.volume, pan: l.pan };
    }
    return {
      type: 'settings',
      devices: this.settings.devices,
      laneAudio,
      lastScenario: this.settings.lastScenario,
    };
  }

  private update(patch: Partial<Settings>): void {
    this.settings = { ...this.settings, ...patch };
    if (JSON.stringify(this.settings) === this.lastWritten) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.opts.debounceMs ?? SAVE_DEBOUNCE_MS);
  }

  /** Writes any pending change now (also at close). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      const text = JSON.stringify(this.settings);
      if (text === this.lastWritten) return;
      try {
        await writeSettingsFile(this.file, this.settings);
        this.lastWritten = text;
      } catch (err) {
        this.opts.warn?.(`Dialtone: could not save settings to ${this.file}: ${String(err)}`);
      }
    });
    await this.writing;
  }
}
