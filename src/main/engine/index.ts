/**
 * Starts the engine: the embedded simulated backend, the lanes, and the socket server on 127.0.0.1
 * with a fresh secret token. Every front end (Electron, web mode, CLI, tests) starts it the same way.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { systemClock, type Clock } from './clock';
import { Engine } from './engine';
import type { SpeechFactories } from './lane';
import { defaultSpeechFactories } from './voice/speech-factories';
import { parseLaneSpec, type LaneSpec } from '../../shared/lane-spec';
import { createLlmProvider } from './providers/llm';
import type { LlmProvider } from './providers/llm/types';
import { listenEngineServer, newServerStats, type EngineServerStats } from './server';
import { resolveSendLimits, type SendQueueLimits } from './client-queue';
import { startSimServer } from './sim/server';
import { EngineSettings } from './settings';
import { TOKEN_PARAM } from '../../shared/protocol';

/** The port the app and `dialtone web` use when the user names none, so the overlay URL stays put. */
export const DEFAULT_ENGINE_PORT = 47810;
/** Ports after a taken one that `portFallback` tries, in order. */
const FALLBACK_PORTS = 20;

export interface EngineOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** When `port` is taken, take the next free one of the following FALLBACK_PORTS instead of failing. */
  portFallback?: boolean;
  /**
   * Read-only token for /overlay (see viewer-token.ts for the one kept in the user's config folder);
   * default: a fresh one for this launch.
   */
  viewerToken?: string;
  /** Built renderer to serve (web mode, the Electron window). */
  staticDir?: string;
  /** Origins allowed to open the socket besides the engine's own (e.g. a dev server). */
  extraOrigins?: string[];
  /** Where provider keys come from; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Keep lanes, speech settings, devices and the last scenario in `settings.json` in the config folder
   * (`env.DIALTONE_CONFIG_DIR` overrides) and recreate the saved lanes now. Off by default (tests, CLI).
   */
  persistSettings?: boolean;
  /** Speech stages (tests inject scripted ones with known delays); default: the real providers. */
  speech?: SpeechFactories;
  clock?: Clock;
  /** Bounds of each client's send queue (tests use small ones); default `DEFAULT_SEND_LIMITS`. */
  sendLimits?: Partial<SendQueueLimits>;
}

export interface RunningEngine {
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  /** ws://127.0.0.1:PORT/engine (add ?token=) */
  wsUrl: string;
  token: string;
  port: number;
  /** The port asked for when a taken one fell back to `port`, else null. */
  portTakenFallback: number | null;
  viewerToken: string;
  /** http://127.0.0.1:PORT/overlay?token=<viewer token>: follows the lanes, cannot control them. */
  overlayUrl: string;
  /** The embedded simulated backend, …/v1 */
  simUrl: string;
  engine: Engine;
  stats: EngineServerStats;
  close(): Promise<void>;
}

export async function startEngine(opts: EngineOptions = {}): Promise<RunningEngine> {
  const clock = opts.clock ?? systemClock;
  const env = opts.env ?? process.env;
  const sendLimits = resolveSendLimits(opts.sendLimits);
  const sim = await startSimServer({ clock });
  const engine = new Engine({
    clock,
    env,
    createProvider: (spec) =>
      warmedSimLane(spec, (s) => createLlmProvider(s, { clock, simBaseUrl: sim.url, env })),
    speech: opts.speech ?? defaultSpeechFactories(env, clock),
  });
  if (opts.persistSettings === true) {
    const settings = await EngineSettings.open(env);
    settings.restoreLanes(engine);
    engine.settings = settings;
  }
  await warmUp(createLlmProvider(parseLaneSpec(WARM_UP_SPEC), { clock, simBaseUrl: sim.url, env }));
  const token = randomBytes(24).toString('base64url');
  const viewerToken = opts.viewerToken ?? randomBytes(24).toString('base64url');
  const stats = newServerStats();
  const wanted = opts.port ?? 0;
  const listen = (port: number) =>
    listenEngineServer({
      engine,
      token,
      viewerToken,
      port,
      staticDir: opts.staticDir === undefined ? undefined : resolve(opts.staticDir),
      extraOrigins: opts.extraOrigins ?? [],
      stats,
      sendLimits,
    });
  let server: Awaited<ReturnType<typeof listenEngineServer>>;
  try {
    server = await listenFrom(wanted, opts.portFallback === true && wanted !== 0, listen);
  } catch (err) {
    await engine.close();
    await sim.close();
    throw err;
  }
  const port = server.port;
  const httpUrl = `http://127.0.0.1:${port}`;
  return {
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/engine`,
    token,
    port,
    portTakenFallback: port === wanted || wanted === 0 ? null : wanted,
    viewerToken,
    overlayUrl: overlayUrlOf(httpUrl, viewerToken),
    simUrl: sim.url,
    engine,
    stats,
    async close() {
      await engine.settings?.flush();
      await engine.close();
      await server.close();
      await sim.close();
    },
  };
}

/** The /overlay address with the viewer token. */
export function overlayUrlOf(httpUrl: string, viewerToken: string): string {
  return `${httpUrl}/overlay?${TOKEN_PARAM}=${encodeURIComponent(viewerToken)}`;
}

/** Listens on `port`, or with `fallback` on the first free one of the next FALLBACK_PORTS. */
async function listenFrom<T>(
  port: number,
  fallback: boolean,
  listen: (port: number) => Promise<T>,
): Promise<T> {
  const last = fallback ? Math.min(65_535, port + FALLBACK_PORTS) : port;
  for (let p = port; ; p += 1) {
    try {
      return await listen(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || p >= last) {
        if (p !== port) (err as Error).message += ` (ports ${port}–${p} are all in use)`;
        throw err;
      }
    }
  }
}

/**
 * One tiny request through the client before the first real turn: the first request in a process
 * pays ~100 ms for loading the HTTP stack and cold JIT, which would otherwise land on the first
 * turn's TTFT and be blamed on the backend.
 */
async function warmUp(provider: LlmProvider): Promise<void> {
  const signal = new AbortController().signal;
  await provider
    .stream({ messages: [{ role: 'user', content: 'hi' }], signal, onEvent: () => {} })
    .catch(() => {});
}

/** The warm-up request: a few tokens at once, through the same timer path a real reply takes. */
const WARM_UP_SPEC = 'sim:tps=100000,ttft=1,max=4';

/**
 * A lane on the embedded simulated backend, warmed when it is created: one tiny request through its
 * own provider before its first turn. The engine's warm-up at start loads the HTTP stack, but a lane
 * made minutes later met cold code and, without a kept-alive socket, a new connection: its first TTFT
 * read 177–187 ms on `ttft=150`. The lane's first turn waits for the warm-up (a few ms) so the two
 * never race for a connection.
 */
function warmedSimLane(spec: LaneSpec, make: (spec: LaneSpec) => LlmProvider): LlmProvider {
  const provider = make(spec);
  if (spec.provider !== 'sim' || spec.url !== undefined) return provider;
  const warm = parseLaneSpec(WARM_UP_SPEC);
  let warming: Promise<void> | null = warmUp(make(warm));
  return {
    id: provider.id,
    model: provider.model,
    label: provider.label,
    async stream(request) {
      if (warming) {
        await warming;
        warming = null;
      }
      return provider.stream(request);
    },
  };
}
