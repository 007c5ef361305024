/**
 * The speech stages the engine uses by default: Silero VAD, the STT and TTS providers named by a
 * lane's specs, and the speakable-chunk chunker.
 */
import { parseSttSpec, parseTtsSpec } from '../../../shared/speech-spec';
import type { Clock } from '../clock';
import type { SpeechFactories } from '../lane';
import { createStt } from '../providers/stt';
import { createTts, ttsPort } from '../providers/tts';
import { Chunker } from '../speech/chunker';
import { VoiceActivityDetector } from '../vad/endpointer';
import { loadSileroVad } from '../vad/silero';

export function defaultSpeechFactories(
  env: Record<string, string | undefined>,
  clock: Clock,
): SpeechFactories {
  return {
    createVad: async () => new VoiceActivityDetector((await loadSileroVad()).newStream()),
    createStt: (spec) => createStt(parseSttSpec(spec), { clock, env }),
    createTts: (spec) => {
      const parsed = parseTtsSpec(spec);
      return parsed.provider === 'none' ? null : ttsPort(createTts(parsed, { clock, env }));
    },
    createChunker: () => new Chunker(),
  };
}
