/**
 * The fault matrix through the engine socket: a real engine, one lane per fault, all at once. Each
 * row: the error event's stage, code and one-line message, how long after `chat.send` it came, and
 * that the same lane, switched to `fast` with `lane.configure`, then completes a turn.
 *
 * Bugs pinned: a lane left unusable after a provider failure; a server that closes at once reported
 * as a 20 s stall; the 429 wait said twice; a blocked port blamed on a server that is not running;
 * DIALTONE_STALL_TIMEOUT_MS ignored (the silent rows would then take 20 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { MAX_LANES } from '../../src/main/engine/engine';
import { LaneSpecError } from '../../src/shared/lane-spec';
import type { EngineEvent } from '../../src/shared/protocol';
import { stallTimeoutFromEnv } from '../../src/main/engine/providers/llm/stall-timeout';
import { TestClient } from '../helpers/engine-client';
import { acceptThenClose, closedPort, neverAnswers, type FaultServer } from '../helpers/fault-servers';
import { FAULT_LINES, FAULT_STALL_MS } from '../helpers/fault-lines';

/** Stall timeout the engine is started with, ms (through its environment). */
const STALL_MS = FAULT_STALL_MS;
/** An error that needs no timer must reach the client this soon after chat.send, ms. */
const PROMPT_ERROR_MS = 5_000;

type ErrorEvent = Extract<EngineEvent, { type: 'error' }>;

interface Row {
  laneId: string;
  /** `$PORT`: the row's raw server (or the closed port). */
  spec: string;
  code: string;
  message: RegExp;
  server?: 'close' | 'hang' | 'refused';
  stall?: boolean;
  retryAfterMs?: number;
}

interface Outcome {
  error: ErrorEvent;
  /** chat.send → error event, ms. */
  errorAfterMs: number;
  /** The reply of the turn after switching the lane to `fast`. */
  fastText: string;
}

const ROWS: Row[] = [
  {
    laneId: 'rate-limited',
    spec: 'sim:tps=2000,ttft=0,fault=429/3',
    code: FAULT_LINES.rateLimited.code,
    retryAfterMs: 3_000,
    message: FAULT_LINES.rateLimited.line,
  },
  {
    laneId: 'server-500',
    spec: 'sim:tps=2000,ttft=0,fault=500',
    code: FAULT_LINES.server500.code,
    message: FAULT_LINES.server500.line,
  },
  {
    laneId: 'auth-401',
    spec: 'sim:tps=2000,ttft=0,fault=401',
    code: FAULT_LINES.auth401.code,
    message: FAULT_LINES.auth401.line,
  },
  {
    laneId: 'drop',
    spec: 'sim:tps=2000,ttft=0,fault=drop@5',
    code: FAULT_LINES.drop.code,
    message: FAULT_LINES.drop.line,
  },
  {
    laneId: 'stall',
    // A reply longer than the fault point: a short greeting would end (and stall) before token 5.
    spec: 'sim:tps=2000,ttft=0,tokens=40,fault=stall@5',
    code: FAULT_LINES.stall.code,
    stall: true,
    message: FAULT_LINES.stall.line,
  },
  {
    laneId: 'malformed',
    spec: 'sim:tps=2000,ttft=0,fault=malformed@3',
    code: FAULT_LINES.malformed.code,
    message: FAULT_LINES.malformed.line,
  },
  {
    laneId: 'refused',
    spec: 'openai-compatible:url=http://127.0.0.1:$PORT/v1,model=x',
    server: 'refused',
    code: FAULT_LINES.refused.code,
    message: FAULT_LINES.refused.line,
  },
  {
    laneId: 'blocked-port',
    spec: 'openai-compatible:url=http://127.0.0.1:1/v1,model=x',
    code: FAULT_LINES.blockedPort.code,
    message: FAULT_LINES.blockedPort.line,
  },
  {
    laneId: 'accept-then-close',
    spec: 'openai-compatible:url=http://127.0.0.1:$PORT/v1,model=x',
    server: 'close',
    code: FAULT_LINES.acceptThenClose.code,
    message: FAULT_LINES.acceptThenClose.line,
  },
  {
    laneId: 'never-answers',
    spec: 'openai-compatible:url=http://127.0.0.1:$PORT/v1,model=x',
    server: 'hang',
    stall: true,
    code: FAULT_LINES.neverAnswers.code,
    message: FAULT_LINES.neverAnswers.line,
  },
];

let engine: RunningEngine;
let client: TestClient;
const servers: FaultServer[] = [];
const outcomes = new Map<string, Promise<Outcome>>();

beforeAll(async () => {
  engine = await startEngine({ env: { DIALTONE_STALL_TIMEOUT_MS: String(STALL_MS) } });
  client = await TestClient.connect(engine);
  // Every row runs on its own lane, as many at once as the engine allows lanes; each test awaits its own.
  const slot = slots(MAX_LANES);
  for (const row of ROWS) {
    const outcome = slot(() => runRow(row));
    outcome.catch(() => undefined); // its test reports the failure
    outcomes.set(row.laneId, outcome);
  }
});

afterAll(async () => {
  client?.close();
  await Promise.all(servers.map((s) => s.close()));
  await engine?.close();
});

async function runRow(row: Row): Promise<Outcome> {
  let port = 0;
  if (row.server === 'refused') port = await closedPort();
  else if (row.server !== undefined) {
    const server = row.server === 'close' ? await acceptThenClose() : await neverAnswers();
    servers.push(server);
    port = server.port;
  }
  const { laneId } = row;
  client.send({ type: 'lane.create', laneId, spec: row.spec.replace('$PORT', String(port)) });
  const sentMs = performance.now();
  client.send({ type: 'chat.send', laneId, text: 'Hello, are you there?' });
  const error = await client.waitFor('error', (e) => e.laneId === laneId, 15_000);
  const errorAfterMs = performance.now() - sentMs;

  // The error has arrived: the same lane, on a healthy backend, must answer again.
  client.send({ type: 'lane.configure', laneId, spec: 'fast' });
  client.send({ type: 'chat.send', laneId, text: 'And now?' });
  const done = await client.waitFor('llm.done', (e) => e.laneId === laneId && e.turnId !== error.turnId);
  client.send({ type: 'lane.remove', laneId }); // frees the lane for the next row
  await client.waitFor('lane.removed', (e) => e.laneId === laneId);
  return { error, errorAfterMs, fastText: done.text };
}

/** Runs at most `n` of the given jobs at a time, in the order they were handed in. */
function slots(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

describe('engine socket: every provider fault is one error event, and the lane recovers', () => {
  it.each(ROWS)('$laneId', async (row) => {
    const { error, errorAfterMs, fastText } = await outcomes.get(row.laneId)!;
    // Only a bad key and a broken stream need something changed before the same request can work.
    const retryable = !['auth', 'malformed'].includes(row.code);
    expect(error).toMatchObject({ stage: 'llm', code: row.code, retryable });
    expect(error.turnId).toEqual(expect.any(String));
    expect(error.message).toMatch(row.message);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toMatch(/\.\./);
    expect(error.message.match(/try again/gi)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(error.retryAfterMs).toBe(row.retryAfterMs);
    // Exactly one error for the failed turn: no second report of the same failure.
    expect(client.of('error').filter((e) => e.laneId === row.laneId)).toHaveLength(1);

    if (row.stall) {
      expect(errorAfterMs).toBeGreaterThanOrEqual(STALL_MS - 100);
      expect(errorAfterMs).toBeLessThan(STALL_MS + PROMPT_ERROR_MS);
    } else {
      expect(errorAfterMs).toBeLessThan(PROMPT_ERROR_MS);
    }
    expect(fastText.length).toBeGreaterThan(0);
  });
});

describe('DIALTONE_STALL_TIMEOUT_MS', () => {
  it('is read in ms, unset when empty, and anything else is refused in one line naming it', () => {
    expect(stallTimeoutFromEnv({ DIALTONE_STALL_TIMEOUT_MS: '1500' })).toBe(1_500);
    expect(stallTimeoutFromEnv({ DIALTONE_STALL_TIMEOUT_MS: ' ' })).toBeUndefined();
    expect(stallTimeoutFromEnv({})).toBeUndefined();
    for (const bad of ['abc', '1.5', '0', '-3', '99', '600001', '20s']) {
      const run = (): unknown => stallTimeoutFromEnv({ DIALTONE_STALL_TIMEOUT_MS: bad });
      expect(run, bad).toThrow(LaneSpecError);
      expect(run, bad).toThrow(`DIALTONE_STALL_TIMEOUT_MS must be a whole number of milliseconds`);
      expect(run, bad).toThrow(`not "${bad}"`);
    }
  });
});
