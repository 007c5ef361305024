/** The voices the app's picker offers, each with the TTS spec that selects it. */
import { DEFAULT_KOKORO_MODEL, MODELS, modelSizeBytes } from '../../models/registry';
import { KOKORO_VOICES } from './kokoro';
import { ESPEAK_VOICES } from './voices';

export interface PickerVoice {
  id: string;
  label: string;
  spec: string;
}

export function pickerVoices(): PickerVoice[] {
  const kokoro = MODELS.find((m) => m.id === DEFAULT_KOKORO_MODEL)!;
  const downloadMb = Math.round(modelSizeBytes(kokoro) / 1e6);
  return [
    ...ESPEAK_VOICES.map(({ id, label }) => ({ id, label: `${label} (espeak)`, spec: `espeak:voice=${id}` })),
    ...KOKORO_VOICES.map(({ id, label }) => ({
      id: `kokoro:${id}`,
      label: `${label} (Kokoro, local neural; ${downloadMb} MB download once)`,
      spec: `kokoro:voice=${id}`,
    })),
  ];
}
