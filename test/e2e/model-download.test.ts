/**
 * What a presenter sees while a picked Kokoro voice downloads: a progress line and bar on the lane,
 * then — when the download turns out bad — the bar goes and the lane shows one error naming the
 * model, and the lane still answers in text. A local HTTP server stands in for the model hub: it
 * sends the start of the graph file, holds the connection until the test lets it go, then sends the
 * rest as zeros, so the size matches and the checksum does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS, modelSizeBytes } from '../../src/main/engine/models/registry';
import { REPO_ROOT } from '../../src/main/web/build';
import { openApp, type OpenApp } from './app';

const KOKORO = MODELS.find((m) => m.id === 'kokoro-82m')!;
const GRAPH = KOKORO.files.find((f) => f.path === 'onnx/model_quantized.onnx')!;
const GRAPH_URL_PATH = `/${KOKORO.repo}/resolve/${KOKORO.revision}/${GRAPH.path}`;
/** Sent at once; the rest waits for `release`. */
const HEAD_BYTES = 8 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024);

let app: OpenApp;
let page: Page;
let lane: Locator;
let dataDir: string;
let mirror: Server;
let release: () => void;
const released = new Promise<void>((resolve) => (release = resolve));

/** Resolves when the socket can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes `bytes` zero bytes, respecting backpressure. */
async function zeros(res: ServerResponse, bytes: number): Promise<void> {
  for (let left = bytes; left > 0 && !res.destroyed;) {
    const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
    left -= piece.length;
    if (!res.write(piece)) await drained(res);
  }
}

async function serveGraph(res: ServerResponse): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(GRAPH.sizeBytes),
  });
  await zeros(res, HEAD_BYTES);
  await released;
  await zeros(res, GRAPH.sizeBytes - HEAD_BYTES);
  res.end();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dialtone-e2e-models-'));
  mirror = createServer((req, res) => {
    if (req.method === 'GET' && req.url === GRAPH_URL_PATH) void serveGraph(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const { port } = mirror.address() as AddressInfo;
  app = await openApp({
    env: { DIALTONE_DATA_DIR: dataDir, DIALTONE_MODEL_MIRROR: `http://127.0.0.1:${port}` },
  });
  page = app.page;
  await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  lane = page.getByTestId('lane').first();
  await lane.waitFor();
}, 90_000);

afterAll(async () => {
  release?.();
  await app?.close();
  mirror?.closeAllConnections();
  await new Promise((resolve) => mirror?.close(resolve));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a Kokoro voice downloads on pick', () => {
  it('shows the download, then the failed checksum as one error; the lane still answers', async () => {
    const bar = lane.getByTestId('model-download');
    const line = lane.getByTestId('model-download-text');
    expect(await bar.count()).toBe(0);

    await lane.getByTestId('tts-select').selectOption('kokoro:voice=af_heart');

    // While the mirror holds the connection: the bar has moved, the line names the model and sizes.
    await bar.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => bar.evaluate((el) => (el as unknown as { value: number }).value), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('max'))).toBe(modelSizeBytes(KOKORO));
    const text = (await line.innerText()).trim();
    const m = /^Downloading kokoro-82m — ([\d.]+) of ([\d.]+) MB$/.exec(text);
    expect(m, text).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThanOrEqual(HEAD_BYTES / 1e6);
    expect(Number(m![2])).toBe(Math.round(modelSizeBytes(KOKORO) / 1e6));
    // For a human look (test-results/ is not committed).
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'e2e-model-download.png') });

    // The rest arrives; the hash is wrong: no bar, one error on the lane naming the model.
    release();
    await bar.waitFor({ state: 'detached', timeout: 90_000 });
    const error = lane.getByTestId('lane-error').filter({ hasText: 'kokoro-82m' });
    await error.waitFor({ timeout: 30_000 });
    expect(await error.count()).toBe(1);
    expect(await error.locator('.error-code').innerText()).toMatch(/^tts · /);
    const message = await error.locator('.error-message').innerText();
    expect(message).toMatch(/kokoro-82m/);
    expect(message).toMatch(/checksum|sha256/i);
    expect(message).not.toContain('\n');
    // A bad file must be fetched again before the voice can work: not "send again", but what to do.
    expect(await error.getAttribute('data-retryable')).toBe('false');
    expect(await error.locator('.error-hint').innerText()).toMatch(/Pick another voice/);
    // The voice stays picked: the presenter sees what failed, not a silently reverted picker.
    expect(await lane.getByTestId('tts-select').inputValue()).toBe('kokoro:voice=af_heart');

    // A failed voice never takes the lane down: a typed message still gets its reply as text.
    const input = lane.getByTestId('message-input');
    await input.fill('Tell me about the sea.');
    await input.press('Enter');
    await expect
      .poll(() => lane.getByTestId('user-message').last().textContent(), { timeout: 15_000 })
      .toBe('Tell me about the sea.');
    const reply = lane.locator('[data-testid="assistant-message"][data-turn-id]');
    // The reply's text stands: a missing voice does not mark the reply failed.
    await expect.poll(() => reply.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect((await reply.innerText()).trim().length).toBeGreaterThan(10);
    // Its voice is the one thing missing, and the lane says why, in plain words.
    const voiceError = lane.getByTestId('lane-error').filter({ hasText: 'kokoro-82m' });
    await voiceError.first().waitFor({ timeout: 15_000 });
    expect(await voiceError.first().locator('.error-code').innerText()).toBe('Voice model not downloaded');

    expect(app.problems.consoleErrors).toEqual([]);
    expect(app.problems.cspViolations).toEqual([]);
  }, 180_000);
});
