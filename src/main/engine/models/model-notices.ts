/**
 * A lane whose speech-in or voice needs a model that is not in the cache says so once, as soon as
 * the lane gets that spec (before anyone speaks), with the model's size: `model.needed`. Downloads the
 * clients ask for (`model.fetch`) run here too, with progress on the lanes that need the model.
 */
import type { EngineEvent, LaneSnapshot, ModelInfo } from '../../../shared/protocol';
import { parseSttSpec, parseTtsSpec } from '../../../shared/speech-spec';
import { errorMessage } from '../errors';
import { ModelMissingError } from './errors';
import { DOWNLOAD_CANCELLED, type ModelManager } from './manager';
import { DEFAULT_KOKORO_MODEL, DEFAULT_LOCAL_STT_MODEL } from './registry';

type Stage = 'stt' | 'tts';

/** The registry model a speech spec runs on, if it runs on a local one (`local`, `kokoro`). */
export function speechModelId(stage: Stage, specText: string): string | undefined {
  try {
    if (stage === 'stt') {
      const spec = parseSttSpec(specText);
      return spec.provider === 'local' ? (spec.model ?? DEFAULT_LOCAL_STT_MODEL) : undefined;
    }
    const spec = parseTtsSpec(specText);
    return spec.provider === 'kokoro' ? (spec.model ?? DEFAULT_KOKORO_MODEL) : undefined;
  } catch {
    return undefined;
  }
}

/** "44 MB": decimal megabytes, as download sizes are quoted. */
export function megabytesText(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

const WHAT: Record<Stage, string> = {
  stt: 'Speech recognition model not downloaded',
  tts: 'Voice model not downloaded',
};

export class ModelNotices {
  /** `laneId stage` → the model the lane was told about (once per lane, stage and model). */
  private readonly told = new Map<string, string>();
  /** Downloads asked for here, while they run. */
  private readonly fetches = new Set<string>();

  constructor(
    private readonly models: ModelManager,
    private readonly emit: (event: EngineEvent) => void,
  ) {}

  /** The known models and whether each is cached now (for `hello`). */
  list(): ModelInfo[] {
    return this.models.list().map((m) => ({
      id: m.id,
      label: m.label,
      sizeBytes: m.files.reduce((sum, f) => sum + f.sizeBytes, 0),
      cached: this.models.cachedSync(m.id),
    }));
  }

  /** Sees every lane.state: a speech spec that needs a missing model is announced, once. */
  laneChanged(lane: LaneSnapshot): void {
    for (const stage of ['stt', 'tts'] as const) {
      const key = `${lane.laneId} ${stage}`;
      const modelId = speechModelId(stage, lane.speech[stage]);
      if (modelId === undefined) {
        this.told.delete(key);
        continue;
      }
      if (this.told.get(key) === modelId) continue;
      this.told.set(key, modelId);
      void this.announce(lane.laneId, stage, modelId);
    }
  }

  laneRemoved(laneId: string): void {
    this.told.delete(`${laneId} stt`);
    this.told.delete(`${laneId} tts`);
  }

  /** A client that connects now hears the needs still open (the others were told when they arose). */
  greet(send: (event: EngineEvent) => void): void {
    for (const [key, modelId] of this.told) {
      const [laneId, stage] = key.split(' ') as [string, Stage];
      void this.announce(laneId, stage, modelId, send);
    }
  }

  private async announce(
    laneId: string,
    stage: Stage,
    modelId: string,
    send: (event: EngineEvent) => void = this.emit,
  ): Promise<void> {
    let status;
    try {
      status = await this.models.status(modelId);
    } catch {
      return; // an unknown model: the provider itself refuses the spec
    }
    if (status.cached || this.told.get(`${laneId} ${stage}`) !== modelId) return;
    const size = megabytesText(status.sizeBytes);
    send({
      type: 'model.needed',
      laneId,
      stage,
      modelId,
      label: status.entry.label,
      sizeBytes: status.sizeBytes,
      message: `${WHAT[stage]} (${modelId}, ${size})`,
    });
  }

  /** Lanes told they need the model. */
  private lanesNeeding(modelId: string): string[] {
    const lanes = new Set<string>();
    for (const [key, id] of this.told) if (id === modelId) lanes.add(key.split(' ')[0]!);
    return [...lanes];
  }

  /** Downloads the model (resuming), progress on `laneId` or on every lane that needs it. */
  fetch(modelId: string, laneId?: string): void {
    this.models.entry(modelId); // an unknown id throws here, to the sender
    if (this.fetches.has(modelId)) return;
    this.fetches.add(modelId);
    const lanes = (): string[] => (laneId !== undefined ? [laneId] : this.lanesNeeding(modelId));
    this.models
      .ensure(modelId, {
        offline: false,
        onProgress: (p) => {
          for (const id of lanes()) this.emit({ type: 'model.progress', laneId: id, ...p });
        },
      })
      .then(
        () => this.emit({ type: 'model.state', modelId, cached: true }),
        (err: unknown) => {
          const cancelled = err instanceof ModelMissingError && err.reason === DOWNLOAD_CANCELLED;
          this.emit({
            type: 'model.state',
            modelId,
            cached: false,
            ...(cancelled ? {} : { error: errorMessage(err) }),
          });
        },
      )
      .finally(() => this.fetches.delete(modelId));
  }

  /** Stops the model's download, whoever started it (the Download button, a voice, the microphone). */
  cancel(modelId: string): void {
    this.models.entry(modelId);
    this.models.cancel(modelId);
  }

  close(): void {
    for (const modelId of this.fetches) this.models.cancel(modelId);
  }
}
