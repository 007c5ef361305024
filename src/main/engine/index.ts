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
import { parseLaneSpec } from '../../shared/lane-spec';
import { createLlmProvider } from './providers/llm';
import type { LlmProvider } from './providers/llm/types';
import { listenEngineServer, newServerStats, type EngineServerStats } from './server';
import { resolveSendLimits, type SendQueueLimits } from './client-queue';
import { startSimServer } from './sim/server';

export interface EngineOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Built renderer to serve (web mode, the Electron window). */
  staticDir?: string;
  /** Origins allowed to open the socket besides the engine's own (e.g. a dev server). */
  extraOrigins?: string[];
  /** Where provider keys come from; defaults to process.env. */
  env?: Record<string, string | undefined>;
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
    createProvider: (spec) => createLlmProvider(spec, { clock, simBaseUrl: sim.url, env }),
    speech: opts.speech ?? defaultSpeechFactories(env, clock),
  });
  await warmUp(
    createLlmProvider(parseLaneSpec('sim:tps=100000,ttft=0,max=4'), { clock, simBaseUrl: sim.url, env }),
  );
  const token = randomBytes(24).toString('base64url');
  const stats = newServerStats();
  const server = await listenEngineServer({
    engine,
    token,
    port: opts.port ?? 0,
    staticDir: opts.staticDir === undefined ? undefined : resolve(opts.staticDir),
    extraOrigins: opts.extraOrigins ?? [],
    stats,
    sendLimits,
  });
  const port = server.port;
  const httpUrl = `http://127.0.0.1:${port}`;
  return {
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/engine`,
    token,
    port,
    simUrl: sim.url,
    engine,
    stats,
    async close() {
      await engine.close();
      await server.close();
      await sim.close();
    },
  };
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
