/**
 * The per-user config folder (settings, the overlay's viewer token).
 * - `DIALTONE_CONFIG_DIR` set: that folder
 * - Linux: `$XDG_CONFIG_HOME/dialtone`, default `~/.config/dialtone`
 * - macOS: `~/Library/Application Support/Dialtone`
 * - Windows: `%APPDATA%\Dialtone`
 */
import os from 'node:os';
import path from 'node:path';

type Env = Record<string, string | undefined>;

export function configDir(
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const dir = env.DIALTONE_CONFIG_DIR?.trim();
  if (dir) return path.resolve(dir);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Dialtone');
  if (platform === 'win32') {
    const roaming = env.APPDATA?.trim() || path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(roaming, 'Dialtone');
  }
  const config = env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config');
  return path.join(config, 'dialtone');
}
