/**
 * A lane's speech stage that runs on the engine thread (its worker did not start) makes every lane's
 * timings late: the figures a presenter compares side by side would lie without a word. The provider
 * knows once its model loads or it is first used; the lane then tells its clients, once per provider,
 * with a `lane.notice`. These wrappers look after each warm/prepare and each use.
 */
import type { EngineEvent } from '../../shared/protocol';
import type { SttPort, TtsPort } from './voice/ports';

export type SpeechStage = 'stt' | 'tts';

export interface NoticeHost {
  laneId: string;
  emit: (event: EngineEvent) => void;
  /** The stage's provider the lane uses now: a provider it has let go of says nothing more. */
  current(stage: SpeechStage): SttPort | TtsPort | null;
}

/** Says `port`'s engine-thread placement once, the first time it is known and `port` is still current. */
function placementWatch(host: NoticeHost, stage: SpeechStage, port: () => SttPort | TtsPort) {
  let said = false;
  return (inner: SttPort | TtsPort): void => {
    const message = inner.engineThread;
    if (said || !message || host.current(stage) !== port()) return;
    said = true;
    host.emit({ type: 'lane.notice', laneId: host.laneId, stage, code: 'engine_thread', message });
  };
}

/** `tts` as the lane uses it: the same voice, reporting its placement after `warm` and each chunk. */
export function watchedTts(host: NoticeHost, tts: TtsPort): TtsPort {
  const check = placementWatch(host, 'tts', () => watched);
  const warm = tts.warm?.bind(tts);
  const watched: TtsPort = {
    get label() {
      return tts.label;
    },
    get engineThread() {
      return tts.engineThread;
    },
    ...(warm && {
      async warm(options) {
        try {
          await warm(options);
        } finally {
          check(tts);
        }
      },
    }),
    async synthesize(text, signal, onAudio) {
      try {
        await tts.synthesize(text, signal, onAudio);
      } finally {
        check(tts);
      }
    },
  };
  return watched;
}

/** `stt` as the lane uses it: the same recognizer, reporting its placement after `prepare` and each use. */
export function watchedStt(host: NoticeHost, stt: SttPort): SttPort {
  const check = placementWatch(host, 'stt', () => watched);
  const prepare = stt.prepare?.bind(stt);
  const watched: SttPort = {
    get label() {
      return stt.label;
    },
    get engineThread() {
      return stt.engineThread;
    },
    ...(prepare && {
      async prepare(options) {
        try {
          await prepare(options);
        } finally {
          check(stt);
        }
      },
    }),
    async transcribe(audio, signal, onPartial) {
      try {
        return await stt.transcribe(audio, signal, onPartial);
      } finally {
        check(stt);
      }
    },
  };
  return watched;
}
