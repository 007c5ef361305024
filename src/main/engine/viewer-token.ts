/**
 * The overlay's viewer token: read-only (a socket opened with it follows the lanes but cannot
 * control them), kept in the user's config folder so the /overlay URL in OBS survives restarts.
 * The control token stays per launch.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configDir } from './config-dir';

type Env = Record<string, string | undefined>;

export const VIEWER_TOKEN_FILE = 'viewer-token';
/** A token as `randomBytes(24).toString('base64url')` writes it; anything else in the file is replaced. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;

export { configDir };

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
