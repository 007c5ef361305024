/** Where models live: `DIALTONE_DATA_DIR/models`, else the platform's per-user data folder. */
import os from 'node:os';
import path from 'node:path';

type Env = Record<string, string | undefined>;

/**
 * The model cache folder.
 * - `DIALTONE_DATA_DIR` set: `$DIALTONE_DATA_DIR/models`
 * - Linux: `$XDG_CACHE_HOME/dialtone/models`, default `~/.cache/dialtone/models`
 * - macOS: `~/Library/Application Support/Dialtone/models`
 * - Windows: `%LOCALAPPDATA%\Dialtone\models`
 */
export function modelsDir(
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const data = env.DIALTONE_DATA_DIR?.trim();
  if (data) return path.resolve(data, 'models');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Dialtone', 'models');
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA?.trim() || path.win32.join(home, 'AppData', 'Local');
    return path.win32.join(local, 'Dialtone', 'models');
  }
  const cache = env.XDG_CACHE_HOME?.trim() || path.join(home, '.cache');
  return path.join(cache, 'dialtone', 'models');
}

/** The hub (or a mirror with the same `<repo>/resolve/<revision>/<path>` layout). */
export function modelHub(env: Env = process.env, fallback: string): string {
  const mirror = env.DIALTONE_MODEL_MIRROR?.trim();
  return mirror ? mirror : fallback;
}

/** `DIALTONE_OFFLINE=1` (or true/yes): never download. */
export function offlineFromEnv(env: Env = process.env): boolean {
  const v = env.DIALTONE_OFFLINE?.trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}
