/**
 * The espeak voices offered in the UI and README: distinct enough that two bots in a race sound like
 * two speakers (accent, gender variant, pitch). `voice=` also takes any other espeak voice name the
 * bundled data knows (`de`, `fr`, `en-029`, `en-us+m3`, …); an unknown one falls back to the default.
 */
export interface EspeakVoice {
  /** What goes in the spec: `espeak:voice=<id>`. */
  id: string;
  label: string;
  /** espeak `-v` argument. */
  espeak: string;
  /** espeak `-p`, 0–99 (50 is espeak's default). */
  pitch: number;
  /** Words per minute unless the spec says `rate=`. */
  rate: number;
}

export const ESPEAK_VOICES: readonly EspeakVoice[] = [
  { id: 'en-us', label: 'US English, male', espeak: 'en-us', pitch: 45, rate: 175 },
  { id: 'en-us-f', label: 'US English, female', espeak: 'en-us+f3', pitch: 60, rate: 175 },
  { id: 'en-gb', label: 'British English, male', espeak: 'en-gb', pitch: 40, rate: 170 },
  { id: 'en-gb-f', label: 'British English, female', espeak: 'en-gb+f4', pitch: 65, rate: 170 },
  { id: 'en-us-low', label: 'US English, deep', espeak: 'en-us+m3', pitch: 25, rate: 160 },
  { id: 'en-scotland', label: 'Scottish English', espeak: 'en-gb-scotland', pitch: 50, rate: 170 },
];

export const DEFAULT_ESPEAK_VOICE = ESPEAK_VOICES[0]!;

/** Variants (`+f3`) and languages in the bundled data, for voices named directly. */
const VARIANT = /^[a-z]{2,3}(?:-[a-z0-9]+)*(?:\+[A-Za-z0-9]+)?$/;

/**
 * The voice for a spec's `voice=`: one of ours, or a plausible espeak name (checked when it first
 * speaks); `warning` when it fell back to the default.
 */
export function resolveEspeakVoice(id: string | undefined): { voice: EspeakVoice; warning?: string } {
  if (id === undefined) return { voice: DEFAULT_ESPEAK_VOICE };
  const ours = ESPEAK_VOICES.find((v) => v.id === id || v.espeak === id);
  if (ours) return { voice: ours };
  if (VARIANT.test(id)) return { voice: { id, label: `espeak ${id}`, espeak: id, pitch: 50, rate: 175 } };
  return {
    voice: DEFAULT_ESPEAK_VOICE,
    warning: `unknown espeak voice "${id}": using ${DEFAULT_ESPEAK_VOICE.id} (voices: ${ESPEAK_VOICES.map((v) => v.id).join(', ')})`,
  };
}
