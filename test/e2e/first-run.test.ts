/**
 * The first run on a machine without the speech recognition model, as a presenter meets it: the lane
 * says once, before anyone speaks, that the model is not downloaded (model and size), with Download and
 * "type instead". Download shows a bar with Cancel; Cancel brings the Download button back; a download
 * that turns out bad says why on the same notice, not as a pile of error boxes. A local HTTP server
 * stands in for the model hub: the first time it sends the start of the first file and holds; after
 * that it sends whole files of zeros (right size, wrong checksum).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS } from '../../src/main/engine/models/registry';
import { REPO_ROOT } from '../../src/main/web/build';
import { openApp, type OpenApp } from './app';

const WHISPER = MODELS.find((m) => m.id === 'whisper-tiny.en')!;

let app: OpenApp;
let page: Page;
let lane: Locator;
let dataDir: string;
let mirror: Server;
let hold = true;
const held: ServerResponse[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dialtone-e2e-first-run-'));
  mirror = createServer((req, res) => {
    const file = WHISPER.files.find(
      (f) => req.url === `/${WHISPER.repo}/resolve/${WHISPER.revision}/${f.path}`,
    );
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const length = String(file.sizeBytes - start);
    if (start > 0)
      res.writeHead(206, {
        'content-length': length,
        'content-range': `bytes ${start}-${file.sizeBytes - 1}/${file.sizeBytes}`,
      });
    else res.writeHead(200, { 'content-length': length });
    if (hold) {
      res.write(Buffer.alloc(1000 - start));
      held.push(res);
    } else res.end(Buffer.alloc(file.sizeBytes - start));
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
  for (const res of held) res.destroy();
  await app?.close();
  mirror?.closeAllConnections();
  await new Promise((resolve) => mirror?.close(resolve));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('first run without the speech recognition model', () => {
  it('says so once with Download; Download shows progress and Cancel; a bad download says why on the notice', async () => {
    const notice = lane.getByTestId('model-needed');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.count()).toBe(1);
    expect(await lane.getByTestId('model-needed-text').innerText()).toBe(
      'Speech recognition model not downloaded (whisper-tiny.en, 44 MB)',
    );
    expect(await notice.getByTestId('model-instead').innerText()).toBe('type instead');
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'e2e-first-run-notice.png') });

    await notice.getByTestId('model-fetch').click();
    const bar = lane.getByTestId('model-download');
    await bar.waitFor({ timeout: 15_000 });
    expect(Number(await bar.getAttribute('max'))).toBe(43_536_374);
    expect(await lane.getByTestId('model-download-text').innerText()).toMatch(
      /^Downloading whisper-tiny\.en — [\d.]+ of 44 MB$/,
    );
    expect(await notice.count()).toBe(0); // the bar stands in for the notice while it runs

    await lane.getByTestId('model-cancel').click();
    await bar.waitFor({ state: 'detached', timeout: 15_000 });
    await notice.waitFor();
    expect(await lane.getByTestId('model-needed-error').count()).toBe(0); // a cancel is not a failure

    hold = false;
    await notice.getByTestId('model-fetch').click();
    const why = lane.getByTestId('model-needed-error');
    await why.waitFor({ timeout: 60_000 });
    expect(await why.innerText()).toMatch(/config\.json failed its checksum/);
    expect(await lane.getByTestId('lane-error').count()).toBe(0);

    // Typing instead: the notice goes and the lane's speech-in says typed.
    await notice.getByTestId('model-instead').click();
    await notice.waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => lane.getByTestId('stt-select').inputValue()).toBe('typed');

    expect(app.problems.consoleErrors).toEqual([]);
    expect(app.problems.cspViolations).toEqual([]);
  }, 180_000);
});
