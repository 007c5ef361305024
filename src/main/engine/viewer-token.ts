/**
 * The overlay's viewer token: read-only (a socket opened with it follows the lanes but cannot
 * control them), kept in the user's config folder so the /overlay URL in OBS survives restarts.
 * The control token stays per launch.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Env = Record<string, string | undefined>;

export const VIEWER_TOKEN_FILE = 'viewer-token';
/** A token as `randomBytes(24).toString('base64url')` writes it; anything else in the file is replaced. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;

/**
 * The user's config folder.
 * - `DIALTONE_CONFIG_DIR` set: that folder
 * - Linux: `$XDG_CONFIG_HOME/dialtone`, default `~/.config/dialtone`
 * - macOS: `~/Library/Application Support/Dialtone`
 * - Windows: `%APPDATA%\Dialtone`
 */
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

/** The viewer token from the config folder, created there (mode 0600) on first use. */
export function loadViewerToken(env: Env = process.env): string {
  const dir = configDir(env);
  const file = path.join(dir, VIEWER_TOKEN_FILE);
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (TOKEN_SHAPE.test(saved)) {
      // A file copied in with looser permissions is tightened: the token opens the overlay.
      if (process.platform !== 'win32') chmodSync(file, 0o600);
      return saved;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // Exclusive create: of two launches at once, both end up with the one token written first.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const other = readFileSync(file, 'utf8').trim();
    if (TOKEN_SHAPE.test(other)) return other;
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  return token;
}
