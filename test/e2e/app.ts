/**
 * Opens Dialtone for a test and returns a playwright Page: web mode, the engine in this process
 * serving the built renderer to headless Chromium. The suite drives and inspects that engine directly
 * (`engine`, `tapClientMessages`, a second socket), which an Electron app's engine in its own process
 * does not allow; the Electron shell is covered by the electron-* unit tests (start-up, window
 * security, preload, CSP scan), and the renderer it loads is the one this suite tests.
 */
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import type { ClientMessage, EngineEvent } from '../../src/shared/protocol';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { systemClock } from '../../src/main/engine/clock';
import { ensureTestWebBuild } from '../../src/main/web/build';
import { launchBrowser } from '../../src/main/testing/browser';

export interface OpenApp {
  page: Page;
  /** Console errors, uncaught page errors and CSP violations seen so far. */
  problems: { consoleErrors: string[]; cspViolations: string[] };
  /** Stops the engine under the page (to see the UI's disconnected state). */
  stopEngine: () => Promise<void>;
  /** The in-process engine: taps microphone frames, sends speech and events. */
  engine: RunningEngine;
  close(): Promise<void>;
}

type Problems = OpenApp['problems'];

async function instrument(page: Page): Promise<Problems> {
  const problems: Problems = { consoleErrors: [], cspViolations: [] };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url;
    problems.consoleErrors.push(where ? `${msg.text()} (${where})` : msg.text());
  });
  page.on('pageerror', (err) => problems.consoleErrors.push(`uncaught: ${err.message}`));
  await page.exposeFunction('__e2eCspViolation', (text: string) => problems.cspViolations.push(text));
  // Init scripts come from the debugger, not the page, so the page's CSP does not apply to them.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => {
      window.__e2eCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
        ' (' + e.sourceFile + ':' + e.lineNumber + ')');
    });`,
  });
  return problems;
}

export interface OpenOptions {
  /** Extra Chromium flags, e.g. a fake microphone. */
  browserArgs?: string[];
  /** A script run in the page before any of its own, e.g. to stub getUserMedia. */
  initScript?: string;
  /** The engine's environment (default none: no keys, the default model cache). */
  env?: Record<string, string | undefined>;
}

export async function openApp(opts: OpenOptions = {}): Promise<OpenApp> {
  if (process.env.DIALTONE_E2E_TARGET && process.env.DIALTONE_E2E_TARGET !== 'web') {
    throw new Error(
      `DIALTONE_E2E_TARGET=${process.env.DIALTONE_E2E_TARGET}: the E2E suite runs in web mode only (see test/e2e/app.ts)`,
    );
  }
  // The build with test hooks: the suite reads window.__dialtoneAudio.
  const staticDir = await ensureTestWebBuild();
  // No provider keys: the picker's key hints are deterministic and nothing leaves the machine.
  let engine: RunningEngine | null = await startEngine({ staticDir, env: opts.env ?? {} });
  const running = engine;
  const browser = await launchBrowser(opts.browserArgs);
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const problems = await instrument(page);
  if (opts.initScript) await page.addInitScript({ content: opts.initScript });
  await page.goto(`${engine.httpUrl}/?token=${encodeURIComponent(engine.token)}`);
  const stopEngine = async (): Promise<void> => {
    const running = engine;
    engine = null;
    await running?.close();
  };
  return {
    page,
    problems,
    stopEngine,
    engine: running,
    async close() {
      await browser.close();
      await stopEngine();
    },
  };
}

/** Polls `check` every 25 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A second engine client beside the page, as a script would be. */
export interface EngineSocket {
  send(msg: ClientMessage): void;
  close(): void;
}

/** Connects a second client to the app's engine; every JSON event it receives goes to `onEvent`. */
export async function openEngineSocket(
  app: OpenApp,
  onEvent: (event: EngineEvent) => void,
): Promise<EngineSocket> {
  const engine = app.engine;
  const ws = new WebSocket(`${engine.wsUrl}?token=${encodeURIComponent(engine.token)}`, {
    origin: engine.httpUrl,
  });
  ws.on('message', (data, binary) => {
    if (!binary) onEvent(JSON.parse(String(data)) as EngineEvent);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { send: (msg) => ws.send(JSON.stringify(msg)), close: () => ws.close() };
}

/**
 * Gives a lane a backend and the espeak voice (typed input) from `socket`, waits until the page's
 * overlay shows `shown` (part of the spec) for it, and makes sure the page's audio is running.
 */
export async function spokenLane(
  page: Page,
  socket: EngineSocket,
  laneId: string,
  spec: string,
  shown: string,
): Promise<void> {
  socket.send({ type: 'lane.configure', laneId, spec });
  socket.send({ type: 'lane.speech', laneId, tts: 'espeak:voice=en-us', stt: 'typed' });
  const lane = page.locator(`[data-testid="overlay-lane"][data-lane-id="${laneId}"]`);
  await until(async () => ((await lane.textContent()) ?? '').includes(shown), 'lane configured');
  const state = await page.evaluate('window.__dialtoneAudio.context().state');
  if (state !== 'running') await page.getByTestId('enable-audio').click();
}

/** Waits until the page is connected to its engine and shows its first lane. */
export async function appReady(page: Page): Promise<void> {
  await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  await page.getByTestId('lane').first().waitFor();
}

/**
 * Every message the page sends, as the in-process engine receives it, with the engine-clock
 * time of receipt; the engine then handles it as usual.
 */
export function tapClientMessages(app: OpenApp, onMessage: (msg: ClientMessage, atMs: number) => void): void {
  const engine = app.engine.engine;
  const handle = engine.handle.bind(engine);
  engine.handle = (client, msg) => {
    onMessage(msg, systemClock.now());
    handle(client, msg);
  };
}
