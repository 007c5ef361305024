/**
 * The speech stages the engine uses by default: Silero VAD, the STT and TTS providers named by a
 * lane's specs, and the speakable-chunk chunker.
 */
import { LaneSpecError } from '../../../shared/lane-spec';
import { parseSttSpec, parseTtsSpec } from '../../../shared/speech-spec';
import type { SpeechFactories } from '../lane';
import { VoiceActivityDetector } from '../vad/endpointer';
import { loadSileroVad } from '../vad/silero';

export function defaultSpeechFactories(_env: Record<string, string | undefined>): SpeechFactories {
  return {
    createVad: async () => new VoiceActivityDetector((await loadSileroVad()).newStream()),
    createStt: (spec) => {
      const parsed = parseSttSpec(spec);
      throw new LaneSpecError(`speech recognition "${parsed.provider}" is not available in this build`);
    },
    createTts: (spec) => {
      const parsed = parseTtsSpec(spec);
      if (parsed.provider === 'none') return null;
      throw new LaneSpecError(`speech synthesis "${parsed.provider}" is not available in this build`);
    },
    createChunker: () => {
      throw new Error('no chunker in this build');
    },
  };
}
