/**
 * Settings that last: two real engine starts over one temp config folder. What a presenter set up
 * yesterday (lanes, their speech settings, devices, volume/pan, the last scenario) comes back; the
 * microphone does not; no key is written; a broken file costs one warning and is kept aside.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { configDir, loadSettingsFile } from '../../src/main/engine/settings-file';
import { withoutKey } from '../../src/main/engine/settings';
import { TestClient } from '../helpers/engine-client';

let dir: string;
const running: RunningEngine[] = [];
const clients: TestClient[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dialtone-settings-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const e of running.splice(0)) await e.close();
  await rm(dir, { recursive: true, force: true });
});

const SECRET = 'sk-test-9f8e7d6c5b4a';

async function start(): Promise<{ engine: RunningEngine; client: TestClient }> {
  const engine = await startEngine({
    env: { DIALTONE_CONFIG_DIR: dir, OPENAI_COMPATIBLE_API_KEY: 'env-key-1234' },
    persistSettings: true,
  });
  running.push(engine);
  const client = await TestClient.connect(engine);
  clients.push(client);
  return { engine, client };
}

async function stop(engine: RunningEngine, client: TestClient): Promise<void> {
  client.close();
  clients.splice(clients.indexOf(client), 1);
  await engine.close();
  running.splice(running.indexOf(engine), 1);
}

describe('settings across two engine starts', () => {
  it('recreates the saved lanes with their speech settings, devices and volume/pan; the mic starts off; no key on disk', async () => {
    const first = await start();
    // A fresh folder: no lanes, so the page adds its default one.
    expect(first.client.events[0]).toMatchObject({ type: 'hello', lanes: [] });
    first.client.send({
      type: 'lane.create',
      laneId: 'fast',
      label: 'Fast inference',
      spec: 'sim:tps=2000,ttft=150',
      stt: 'typed',
      tts: 'espeak:voice=en-gb',
    });
    first.client.send({
      type: 'lane.create',
      laneId: 'remote',
      spec: `openai-compatible:url=http://127.0.0.1:9/v1,model=m,key=${SECRET}`,
    });
    await first.client.waitFor('lane.state', (e) => e.lane.laneId === 'remote');
    first.client.send({ type: 'lane.speech', laneId: 'remote', tts: 'none', stt: 'typed' });
    first.client.send({ type: 'mic.mode', laneId: 'fast', mode: 'ptt' });
    await first.client.waitFor('lane.state', (e) => e.lane.laneId === 'fast' && e.lane.speech.mic === 'ptt');
    first.client.send({
      type: 'settings.set',
      devices: { inputId: 'mic-7', inputLabel: 'USB mic', outputId: 'out-2', outputLabel: 'Hall PA' },
    });
    first.client.send({ type: 'settings.set', lane: { laneId: 'fast', volume: 0.4, pan: -0.5 } });
    first.client.send({
      type: 'scenario.start',
      scenario: 'goodbye',
      lanes: [{ laneId: 'race-a', spec: 'sim:tps=5000,ttft=0' }],
      speech: false,
      maxTurns: 2,
    });
    await first.client.waitFor('scenario.started');
    first.client.send({ type: 'lane.remove', laneId: 'race-a' });
    await first.client.waitFor('lane.removed', (e) => e.laneId === 'race-a');
    first.client.send({ type: 'scenario.stop' });
    await stop(first.engine, first.client);

    const text = await readFile(path.join(dir, 'settings.json'), 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('key=');
    expect(text).not.toContain('ptt');

    const second = await start();
    const hello = second.client.events[0];
    if (hello?.type !== 'hello') throw new Error('no hello first');
    expect(hello.lanes.map((l) => l.laneId)).toEqual(['fast', 'remote']);
    const fast = hello.lanes[0]!;
    expect(fast.label).toBe('Fast inference');
    expect(fast.spec).toBe('sim:tps=2000,ttft=150');
    expect(fast.speech).toEqual({ stt: 'typed', tts: 'espeak:voice=en-gb', mic: 'off' });
    const remote = hello.lanes[1]!;
    expect(remote.spec).toBe('openai-compatible:url=http://127.0.0.1:9/v1,model=m');
    expect(remote.speech.tts).toBe('none');
    const settings = await second.client.waitFor('settings');
    expect(settings.devices).toEqual({
      inputId: 'mic-7',
      inputLabel: 'USB mic',
      outputId: 'out-2',
      outputLabel: 'Hall PA',
    });
    expect(settings.laneAudio).toEqual({ fast: { volume: 0.4, pan: -0.5 } });
    expect(settings.lastScenario).toMatchObject({
      scenario: 'goodbye',
      lanes: [{ laneId: 'race-a', spec: 'sim:tps=5000,ttft=0' }],
      speech: false,
    });
    // The restored lane works.
    second.client.send({ type: 'chat.send', laneId: 'fast', text: 'hello again' });
    await second.client.waitFor('llm.done', (e) => e.laneId === 'fast');
  });

  it('a malformed file: one warning, defaults, the file kept as settings.json.bad', async () => {
    const broken = '{"version":1,"lanes":[{"laneId":"x"'; // cut mid-write by someone's editor
    await writeFile(path.join(dir, 'settings.json'), broken);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { client } = await start();
      expect(client.events[0]).toMatchObject({ type: 'hello', lanes: [] });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/settings\.json.*unusable.*settings\.json\.bad/);
    } finally {
      warn.mockRestore();
    }
    expect(await readFile(path.join(dir, 'settings.json.bad'), 'utf8')).toBe(broken);
  });

  it('a file that parses but does not validate is kept aside too', async () => {
    const wrong = JSON.stringify({ version: 1, lanes: [{ laneId: 'has space', label: '', spec: 'fast' }] });
    const file = path.join(dir, 'settings.json');
    await writeFile(file, wrong);
    const loaded = await loadSettingsFile(file);
    expect(loaded.settings.lanes).toEqual([]);
    expect(loaded.warning).toMatch(/lanes\.0/);
    expect(await readdir(dir)).toEqual(['settings.json.bad']);
  });

  it('writes atomically: no temp file is left beside the settings', async () => {
    const { engine, client } = await start();
    client.send({ type: 'lane.create', laneId: 'a', spec: 'fast' });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'a');
    await engine.engine.settings?.flush();
    expect(await readdir(dir)).toEqual(['settings.json']);
  });
});

describe('withoutKey and configDir', () => {
  it('drops key= from a spec, keeping the rest', () => {
    expect(withoutKey('cerebras:model=llama,key=***,max=200')).toBe('cerebras:model=llama,max=200');
    expect(withoutKey(`openai:key=${SECRET}`)).toBe('openai');
    expect(withoutKey('fast')).toBe('fast');
  });

  it('follows the platform, and DIALTONE_CONFIG_DIR wins', () => {
    expect(configDir({}, 'linux', '/home/u')).toBe('/home/u/.config/dialtone');
    expect(configDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/dialtone');
    expect(configDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Dialtone');
    expect(configDir({ APPDATA: 'C:\\R' }, 'win32', 'C:\\U')).toBe('C:\\R\\Dialtone');
    expect(configDir({ DIALTONE_CONFIG_DIR: '/tmp/cfg' }, 'linux', '/home/u')).toBe('/tmp/cfg');
  });
});
