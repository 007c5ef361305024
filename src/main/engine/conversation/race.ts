/**
 * Side by side: one scenario on one to four lanes at once, each with its own lane spec, started
 * together. Each lane runs its own conversation and finishes by its own stop rule; a lane whose
 * provider fails stops with the error on that lane only, while the others finish. Headless runs
 * (and by default any run) play speech on a virtual speaker, so turn boundaries follow real audio time.
 */
import type { AudioFrame } from '../../../shared/audio-frames';
import type { EngineEvent } from '../../../shared/protocol';
import type { Scenario } from '../../../shared/scenario';
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import { Lane, type ProviderFactory, type SpeechFactories } from '../lane';
import { resolveEspeakVoice } from '../providers/tts/voices';
import { findScenario, loadScenarios } from '../scenarios/loader';
import type { TtsPort } from '../voice/ports';
import { silentTts } from './instant';
import { ConversationRunner, type LaneFinish } from './runner';
import { VirtualSpeaker, type SpeechTap } from './virtual-speaker';
import { redact } from '../../../shared/redact';
import { parseTtsSpec } from '../../../shared/speech-spec';

export const MAX_RACE_LANES = 4;

export interface RaceRequest {
  scenario: string;
  lanes: { laneId?: string; spec: string; label?: string }[];
  maxTurns?: number;
  /** false: a text race (speech takes no time). Default true. */
  speech?: boolean;
  /** Ignore the scenario's script: the personas generate live. */
  live?: boolean;
  /** Who times the audio: the engine's virtual speaker (default) or the clients' players. */
  playback?: 'virtual' | 'client';
}

export interface RaceDeps {
  clock: Clock;
  env: Record<string, string | undefined>;
  createProvider: ProviderFactory;
  speech: SpeechFactories;
  emit: (event: EngineEvent) => void;
  emitAudio: (frame: AudioFrame) => void;
  /** Registers a race lane with the engine, replacing any lane with its id. */
  addLane: (lane: Lane) => void;
  /** Default: the built-ins and the user's folder, read now. */
  findScenario?: (name: string) => Scenario;
}

/** The request cannot start (unknown scenario, too many lanes); reported to the sender. */
export class RaceRequestError extends Error {
  override name = 'RaceRequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ScenarioRace {
  private readonly runners: ConversationRunner[] = [];
  private readonly speaker: VirtualSpeaker | null;
  private stopped = false;
  /** Resolves when every lane has finished. */
  readonly done: Promise<LaneFinish[]>;
  /** The race's lanes, in order. */
  readonly laneIds: readonly string[];

  /** Validates the request and creates the lanes synchronously (throws on bad input), then runs. */
  constructor(req: RaceRequest, deps: RaceDeps) {
    const scenario = lookUp(req.scenario, deps);
    if (req.lanes.length < 1 || req.lanes.length > MAX_RACE_LANES) {
      throw new RaceRequestError(
        'bad_lanes',
        `a race has 1 to ${MAX_RACE_LANES} lanes (got ${req.lanes.length})`,
      );
    }
    const ids = req.lanes.map((l, i) => l.laneId ?? `race-${i + 1}`);
    if (new Set(ids).size !== ids.length)
      throw new RaceRequestError('bad_lanes', 'two race lanes have the same id');
    this.laneIds = ids;
    const speaker =
      req.playback === 'client'
        ? null
        : new VirtualSpeaker(deps.clock, {
            playbackStarted: (laneId, turnId, audibleAtMs) =>
              lanes.get(laneId)?.playbackStarted(turnId, audibleAtMs),
            playbackEnded: (laneId, turnId, report) => lanes.get(laneId)?.playbackEnded(turnId, report),
          });
    this.speaker = speaker;
    const lanes = new Map<string, Lane>();
    const specs = new Map<string, { label: string; spec: string }>();
    req.lanes.forEach((l, i) => {
      const laneId = ids[i]!;
      // The label is shown everywhere and kept for later clients; a spec given as the label may hold a key.
      const label = redact(l.label ?? l.spec);
      const lane = new Lane(laneId, label, l.spec, {
        clock: deps.clock,
        createProvider: deps.createProvider,
        speech: deps.speech,
        emit: (event) => {
          if (event.type === 'interrupt') speaker?.interrupt(event.laneId, event.turnId);
          deps.emit(event);
        },
        emitAudio: (frame) => {
          speaker?.frame(frame);
          deps.emitAudio(frame);
        },
      });
      lanes.set(laneId, lane);
      specs.set(laneId, { label, spec: lane.snapshot().spec });
    });
    const warnings: string[] = [];
    const voiceSpecs = scenario.personas.map((p) => {
      const { voice, warning } = resolveEspeakVoice(p.voice);
      if (warning) warnings.push(`${p.name}: ${warning}`);
      return parseTtsSpec(`espeak:voice=${voice.id}`);
    });
    const voicesFor = (): [TtsPort | null, TtsPort | null] =>
      req.speech === false
        ? [silentTts, silentTts]
        : [deps.speech.createTts(voiceSpecs[0]!), deps.speech.createTts(voiceSpecs[1]!)];
    const voices = [...lanes.keys()].map(() => voicesFor());
    for (const lane of lanes.values()) deps.addLane(lane);

    deps.emit({
      type: 'scenario.started',
      scenario: scenario.name,
      title: scenario.title,
      personas: scenario.personas.map((p) => ({ name: p.name, voice: p.voice })),
      lanes: [...specs].map(([laneId, s]) => ({ laneId, ...s })),
      speech: req.speech !== false,
      warnings,
    });

    this.done = (async () => {
      // Load each voice before the start line, so no lane's first turn pays for it.
      await Promise.all(voices.flat().map((v) => (v ? warm(v) : undefined)));
      const results = [...lanes.values()].map((lane, i) => {
        const runner = new ConversationRunner({
          lane,
          clock: deps.clock,
          scenario,
          voices: voices[i]!,
          contextChars: lane.contextChars,
          ...(req.maxTurns !== undefined ? { maxTurns: req.maxTurns } : {}),
          ...(req.live ? { live: true } : {}),
          onTurn: (turn) =>
            deps.emit({
              type: 'scenario.progress',
              laneId: lane.id,
              index: turn.index,
              speaker: turn.speaker,
              text: turn.text,
              opening: turn.opening,
              gapMs: turn.gapMs,
              timeline: turn.timeline,
            }),
        });
        if (this.stopped) runner.stop();
        this.runners.push(runner);
        return runner
          .run()
          .then(
            (finish) => finish,
            (err: unknown): LaneFinish => ({
              totalMs: 0,
              deadAirMs: 0,
              turns: 0,
              meanGapMs: null,
              stoppedBy: 'error',
              error: errorMessage(err),
            }),
          )
          .then((finish) => {
            deps.emit({ type: 'scenario.finished', laneId: lane.id, ...specs.get(lane.id)!, ...finish });
            return finish;
          });
      });
      const finishes = await Promise.all(results);
      speaker?.close();
      return finishes;
    })();
  }

  /**
   * Hands every frame the virtual speaker plays, with its play time, to `tap` (the CLI's mix of what
   * the listener heard). False when the clients' players time the audio: there is nothing to tap.
   */
  tapSpeech(tap: SpeechTap | null): boolean {
    this.speaker?.setTap(tap);
    return this.speaker !== null;
  }

  /** Stops every lane now (each finishes as `stopped`). */
  stop(): void {
    this.stopped = true;
    for (const runner of this.runners) runner.stop();
  }
}

/** The `scenario.list` answer: every scenario that loaded, and each file that did not. */
export function listScenarios(
  env: Record<string, string | undefined>,
): Extract<EngineEvent, { type: 'scenario.list' }> {
  const library = loadScenarios({ env });
  return {
    type: 'scenario.list',
    scenarios: [...library.scenarios.values()].map(({ scenario, builtin }) => ({
      name: scenario.name,
      title: scenario.title,
      ...(scenario.description !== undefined ? { description: scenario.description } : {}),
      personas: scenario.personas.map((p) => ({ name: p.name, voice: p.voice })),
      builtin,
    })),
    errors: library.errors.map((e) => e.message),
  };
}

function lookUp(name: string, deps: RaceDeps): Scenario {
  try {
    return deps.findScenario ? deps.findScenario(name) : findScenario(loadScenarios({ env: deps.env }), name);
  } catch (err) {
    throw new RaceRequestError('bad_scenario', errorMessage(err));
  }
}

/** One throwaway synthesis: loads the engine and checks the voice. */
async function warm(tts: TtsPort): Promise<void> {
  await tts.synthesize('Hello.', new AbortController().signal, () => {}).catch(() => {});
}
