/**
 * Finds and launches a Chromium for the E2E suite: DIALTONE_BROWSER, then the usual Debian/Ubuntu
 * and Google Chrome paths. Without one the suite fails with a single line saying how to get one.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export const NO_BROWSER =
  'No Chromium found: set DIALTONE_BROWSER=/path/to/chrome or `sudo apt-get install chromium`';

/** Flags for a quiet, headless Chromium on a shared machine without a GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function findBrowser(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.DIALTONE_BROWSER?.trim();
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`DIALTONE_BROWSER=${explicit} does not exist. ${NO_BROWSER}`);
    return explicit;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error(NO_BROWSER);
  return found;
}

/** `extraArgs` add to CHROMIUM_ARGS (e.g. the fake-microphone flags of the audio E2E tests). */
/** Flags that give Chromium a microphone playing `wavPath` on a loop, with no permission prompt. */
export function fakeMicArgs(wavPath: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavPath}`,
  ];
}

export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: findBrowser(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}
