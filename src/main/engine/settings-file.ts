/**
 * The settings file: `settings.json` in the user's config folder. Read once at start and validated;
 * a file that does not parse or validate is moved aside as `settings.json.bad` (nothing lost) and
 * the defaults are used, with one warning. Written atomically: a temp file beside it, then rename,
 * so a crash mid-write leaves the previous file whole. No key is ever written here.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LaneId } from '../../shared/protocol';

export { configDir } from './config-dir';

export const SETTINGS_FILE = 'settings.json';

const Spec = z.string().min(1).max(2_000);

/** A lane as it comes back at the next start. The microphone is not kept: it always starts off. */
export const SavedLane = z.object({
  laneId: LaneId,
  label: z.string().max(80),
  /** Lane spec with any `key=` removed. */
  spec: Spec,
  stt: Spec,
  tts: Spec,
  /** Playback volume 0–1 and pan −1…+1, set in the page. */
  volume: z.number().min(0).max(1).optional(),
  pan: z.number().min(-1).max(1).optional(),
});
export type SavedLane = z.infer<typeof SavedLane>;

/** The page's audio devices (ids as the browser reports them, labels to find them again). */
export const SavedDevices = z.object({
  inputId: z.string().max(512).nullable(),
  inputLabel: z.string().max(256).optional(),
  outputId: z.string().max(512),
  outputLabel: z.string().max(256).optional(),
});
export type SavedDevices = z.infer<typeof SavedDevices>;

export const SavedScenario = z.object({
  scenario: z.string().min(1).max(80),
  lanes: z
    .array(z.object({ laneId: LaneId.optional(), spec: Spec, label: z.string().max(80).optional() }))
    .min(1)
    .max(4),
  speech: z.boolean().optional(),
});
export type SavedScenario = z.infer<typeof SavedScenario>;

export const Settings = z.object({
  version: z.literal(1),
  lanes: z.array(SavedLane).max(8),
  devices: SavedDevices.nullable(),
  lastScenario: SavedScenario.nullable(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = { version: 1, lanes: [], devices: null, lastScenario: null };

export interface LoadedSettings {
  settings: Settings;
  /** Set when the file was unusable: what was wrong and where the file went. */
  warning?: string;
}

/** Reads the settings; a missing file is the defaults, an unusable one is moved aside. Never throws. */
export async function loadSettingsFile(file: string): Promise<LoadedSettings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settings: DEFAULT_SETTINGS };
    return {
      settings: DEFAULT_SETTINGS,
      warning: `Dialtone: could not read ${file} (${String(err)}); using defaults.`,
    };
  }
  let problem: string;
  try {
    const parsed = Settings.safeParse(JSON.parse(text));
    if (parsed.success) return { settings: parsed.data };
    problem = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      .join('; ');
  } catch (err) {
    problem = `not JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  const aside = `${file}.bad`;
  const kept = await rename(file, aside).then(
    () => `kept as ${aside}`,
    (err: unknown) => `could not be moved aside: ${String(err)}`,
  );
  return {
    settings: DEFAULT_SETTINGS,
    warning: `Dialtone: settings file ${file} is unusable (${problem}); using defaults, the file ${kept}.`,
  };
}

let tempCounter = 0;

/** Writes the settings atomically (temp file + rename), mode 0600, creating the folder. */
export async function writeSettingsFile(file: string, settings: Settings): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  tempCounter += 1;
  const temp = `${file}.${process.pid}.${tempCounter}.tmp`;
  await writeFile(temp, `${JSON.stringify(Settings.parse(settings), null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}
