/**
 * The speech stages a lane can use, and the ones the engine uses by default: Silero VAD, the STT and
 * TTS providers named by a lane's specs, and the speakable-chunk chunker. Specs arrive parsed: the
 * lane parses each once, where it enters (shared/speech-spec.ts).
 */
import type { SpeechSpec } from '../../../shared/speech-spec';
import type { Clock } from '../clock';
import { createStt } from '../providers/stt';
import { createTts, ttsPort } from '../providers/tts';
import { Chunker } from '../speech/chunker';
import { VoiceActivityDetector } from '../vad/endpointer';
import { loadSileroVad } from '../vad/silero';
import type { ChunkerPort, SttPort, TtsPort, VadPort } from './ports';
import { turnTakingFromEnv, type TurnTaking } from './turn-taking';

/** Each factory throws a presenter-readable error on bad config (a missing key, an unknown model). */
export interface SpeechFactories {
  createVad(): Promise<VadPort>;
  createStt(spec: SpeechSpec): SttPort;
  /** null for `none` (text only). */
  createTts(spec: SpeechSpec): TtsPort | null;
  createChunker(): ChunkerPort;
  /** How the lanes' microphones decide a turn is over (default: DEFAULT_TURN_TAKING, or the environment's). */
  turnTaking?: TurnTaking;
}

export function defaultSpeechFactories(
  env: Record<string, string | undefined>,
  clock: Clock,
  turnTaking: TurnTaking = turnTakingFromEnv(env),
): SpeechFactories {
  return {
    createVad: async () =>
      new VoiceActivityDetector((await loadSileroVad()).newStream(), {
        silenceMs: turnTaking.silenceMs,
        pauseMs: turnTaking.pauseMs,
      }),
    turnTaking,
    createStt: (spec) => createStt(spec, { clock, env }),
    createTts: (spec) => (spec.provider === 'none' ? null : ttsPort(createTts(spec, { clock, env }))),
    createChunker: () => new Chunker(),
  };
}
