/**
 * The fault matrix through the CLI: `bin/dialtone chat` (a fresh process per row) against every way a
 * provider fails. Each row: the exit code, stderr exactly one line naming the problem, and how long
 * after the request reached the server the process gave up.
 *
 * Bugs pinned: a server that accepts and closes at once made chat wait for the stall timer (21 s) and
 * then blame silence — the first fetch of a Node 20 process never settled (see ready-fetch.ts); the 429
 * line said "try again in 3s.. Try again in 3 s."; port 1 read "bad port — is the server running?".
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../src/main/engine/sim/server';
import {
  acceptThenClose,
  closedPort,
  frontDoor,
  neverAnswers,
  type FaultServer,
} from '../helpers/fault-servers';
import { FAULT_LINES, FAULT_STALL_MS } from '../helpers/fault-lines';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
/** What `dialtone chat` exits with when the provider fails (today the same code as bad input). */
const PROVIDER_FAILURE_EXIT = 1;
/** Short stall timeout for the rows that end by silence, ms (DIALTONE_STALL_TIMEOUT_MS). */
const STALL_MS = FAULT_STALL_MS;
/** An error that needs no timer must end the process this soon after the request arrived, ms. */
const PROMPT_ERROR_MS = 5_000;
/** CLI processes at once: more only fight for the two cores and blur the timings. */
const CONCURRENT_ROWS = 4;

interface Row {
  name: string;
  /** Lane spec; `$SIM` is the simulated backend's address (through this row's front door). */
  lane: string;
  /** The one stderr line, after "dialtone chat: ". */
  line: RegExp;
  /** Set DIALTONE_STALL_TIMEOUT_MS (rows that end by the stall timer); others keep the 20 s default. */
  stall?: boolean;
  /** Where the request goes: the sim through a front door, or a raw server; none when nothing listens. */
  server: 'sim' | 'close' | 'hang' | 'none';
}

interface Outcome {
  code: number | null;
  stderr: string;
  /** The reply's tokens as printed before the failure (drop and stall rows). */
  stdout: string;
  /** Request arrival → process exit, ms; null when nothing was ever connected to. */
  afterRequestMs: number | null;
}

let sim: SimServer;
let refusedPort: number;
const opened: FaultServer[] = [];
const outcomes = new Map<string, Promise<Outcome>>();

const ROWS: Row[] = [
  {
    name: '429 with retry-after',
    lane: 'sim:url=$SIM,fault=429/3',
    server: 'sim',
    line: FAULT_LINES.rateLimited.line,
  },
  {
    name: '500',
    lane: 'sim:url=$SIM,fault=500',
    server: 'sim',
    line: FAULT_LINES.server500.line,
  },
  {
    name: '401',
    lane: 'sim:url=$SIM,fault=401',
    server: 'sim',
    line: FAULT_LINES.auth401.line,
  },
  {
    name: 'drop mid-stream',
    lane: 'sim:url=$SIM,tps=2000,ttft=0,fault=drop@5',
    server: 'sim',
    line: FAULT_LINES.drop.line,
  },
  {
    name: 'stall mid-stream',
    lane: 'sim:url=$SIM,tps=2000,ttft=0,fault=stall@5',
    server: 'sim',
    stall: true,
    line: FAULT_LINES.stall.line,
  },
  {
    name: 'malformed SSE',
    lane: 'sim:url=$SIM,tps=2000,ttft=0,fault=malformed@3',
    server: 'sim',
    line: FAULT_LINES.malformed.line,
  },
  {
    name: 'refused',
    lane: 'openai-compatible:url=http://127.0.0.1:$REFUSED/v1,model=x',
    server: 'none',
    line: FAULT_LINES.refused.line,
  },
  {
    name: 'port 1 (blocked by fetch)',
    lane: 'openai-compatible:url=http://127.0.0.1:1/v1,model=x',
    server: 'none',
    line: FAULT_LINES.blockedPort.line,
  },
  {
    name: 'accept-then-close',
    lane: 'openai-compatible:url=http://127.0.0.1:$PORT/v1,model=x',
    server: 'close',
    line: FAULT_LINES.acceptThenClose.line,
  },
  {
    name: 'never answers',
    lane: 'openai-compatible:url=http://127.0.0.1:$PORT/v1,model=x',
    server: 'hang',
    stall: true,
    line: FAULT_LINES.neverAnswers.line,
  },
];

beforeAll(async () => {
  sim = await startSimServer();
  refusedPort = await closedPort();
  // Every row starts now, a few processes at a time; each test below awaits its own row.
  const slot = slots(CONCURRENT_ROWS);
  for (const row of ROWS) {
    const outcome = slot(() => runRow(row));
    outcome.catch(() => undefined); // its test reports the failure
    outcomes.set(row.name, outcome);
  }
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await sim?.close();
});

async function runRow(row: Row): Promise<Outcome> {
  let server: FaultServer | null = null;
  if (row.server === 'sim') server = await frontDoor(sim.port);
  else if (row.server === 'close') server = await acceptThenClose();
  else if (row.server === 'hang') server = await neverAnswers();
  if (server) opened.push(server);
  const lane = row.lane
    .replace('$SIM', `http://127.0.0.1:${server?.port}/v1`)
    .replace('$PORT', String(server?.port))
    .replace('$REFUSED', String(refusedPort));
  const env = { ...process.env, DIALTONE_STALL_TIMEOUT_MS: row.stall ? String(STALL_MS) : '' };
  const child = spawn(BIN, ['chat', 'hi', '--lane', lane], { env });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const endMs = performance.now();
  const arrivedMs = server?.firstConnectionMs ?? null;
  return { code, stderr, stdout, afterRequestMs: arrivedMs === null ? null : endMs - arrivedMs };
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

describe('dialtone chat: every provider fault is one clear line, a failure exit, and fast', () => {
  it.each(ROWS)(
    '$name',
    async (row) => {
      const { code, stderr, stdout, afterRequestMs } = await outcomes.get(row.name)!;
      expect(code, stderr).toBe(PROVIDER_FAILURE_EXIT);
      // A reply cut short ends its own line, so on a terminal the error does not run on from it.
      if (stdout !== '') expect(stdout.endsWith('\n'), stdout).toBe(true);
      expect(stderr.endsWith('\n'), stderr).toBe(true);
      const lines = stderr.slice(0, -1).split('\n');
      expect(lines, stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^dialtone chat: /);
      const line = lines[0]!.slice('dialtone chat: '.length);
      expect(line).toMatch(row.line);
      expect(line).not.toMatch(/\.\./); // a provider's full stop and ours, doubled
      expect(line.match(/try again/gi)?.length ?? 0).toBeLessThanOrEqual(1);

      if (row.server === 'none') {
        expect(afterRequestMs).toBeNull(); // nothing listens: the error comes without a connection
        return;
      }
      expect(afterRequestMs, 'the request reached the server').not.toBeNull();
      if (row.stall) {
        // The stall clock starts before the connection (the line names the 1.5 s): no lower bound here.
        expect(afterRequestMs!).toBeLessThan(STALL_MS + PROMPT_ERROR_MS);
      } else {
        // accept-then-close runs with the 20 s default stall timeout: a hang until that timer fails here.
        expect(afterRequestMs!).toBeLessThan(PROMPT_ERROR_MS);
      }
    },
    60_000,
  );
});
