/**
 * The page `bin/dialtone render` drives (`/render?token=…&size=1920x1080&captions=1`): the app's
 * services without its UI (the same engine client, stores and players, so audio, pans and playback
 * reports are the app's own), the composition on screen, and a recorder. The command talks to it
 * through `window.__dialtoneRender` (see RenderApi); it starts the race itself over its own engine
 * client, and this page hears it like any other client.
 */
import { createServices, type Services } from '../app/services';
import { Composition } from './composition';
import type { TitleLane } from './frame-model';
import { parseVideoSize } from './layout';
import { MixRecorder, pickMimeType, type Recording } from './recorder';
import { appVideoSources } from './app-sources';
import type { EngineConnection } from '../../../shared/preload-api';

export const RENDER_PATH = '/render';

export function isRenderPage(): boolean {
  return location.pathname === RENDER_PATH;
}

export interface RenderReady {
  sampleRate: number;
  mimeType: string;
}

export interface RenderStarted {
  /** Engine time at which the recording's first sample was audible. */
  startAtEngineMs: number;
}

export interface RenderStopped {
  mimeType: string;
  webmBytes: number;
  pcmFrames: number;
  sampleRate: number;
  framesDrawn: number;
}

/** What the command calls in the page. Binary data leaves in base64 slices (`read`). */
export interface RenderApi {
  ready(): Promise<RenderReady>;
  start(title: string, lanes: TitleLane[]): Promise<RenderStarted>;
  stop(): Promise<RenderStopped>;
  read(what: 'webm' | 'left' | 'right', offset: number, length: number): Promise<string>;
}

function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (check()) resolve();
      else if (performance.now() > deadline)
        reject(new Error(`the render page timed out waiting for ${what}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function startRenderPage(root: HTMLElement, connection: () => Promise<EngineConnection>): Services {
  const params = new URLSearchParams(location.search);
  const { width, height } = parseVideoSize(params.get('size') ?? '1920x1080');
  const codec = params.get('codec') === 'vp8' ? 'vp8' : undefined;
  const services = createServices(connection);
  services.start();
  let title = '';
  let titleLanes: TitleLane[] = [];
  const sources = appVideoSources(services, () => ({ title, titleLanes }));
  const composition = new Composition(
    { width, height, burnCaptions: params.get('captions') === '1' },
    sources.frame,
  );
  const canvas = composition.canvas;
  canvas.dataset.testid = 'render-canvas';
  canvas.style.width = '100%';
  canvas.style.height = 'auto';
  root.replaceChildren(canvas);

  let recorder: MixRecorder | null = null;
  let recording: Recording | null = null;
  let webmBytes: Uint8Array | null = null;
  const api: RenderApi = {
    async ready() {
      const system = services.voice.system;
      if (!system) throw new Error(services.voice.store.getState().contextError ?? 'audio is unavailable');
      await system.ready;
      services.voice.enableAudio();
      await until(() => services.store.getState().connection.status === 'open', 'the engine connection');
      await until(() => services.voice.offsetMs() !== null, 'the clock sync');
      await until(() => system.ctx.state === 'running', 'the audio to start (autoplay)');
      return { sampleRate: system.ctx.sampleRate, mimeType: pickMimeType(codec) };
    },
    async start(t, lanes) {
      title = t;
      titleLanes = lanes;
      composition.start();
      const system = services.voice.system!;
      recorder = new MixRecorder(system, canvas, {
        mimeType: pickMimeType(codec),
        videoBitsPerSecond: Math.round((width * height * 30) / 12),
      });
      composition.framesDrawn = 0;
      await recorder.start();
      const startAtPerfMs = await recorder.startedAtPerfMs();
      return { startAtEngineMs: startAtPerfMs + (services.voice.offsetMs() ?? 0) };
    },
    async stop() {
      if (!recorder) throw new Error('not recording');
      recording = await recorder.stop();
      composition.stop();
      webmBytes = new Uint8Array(await recording.webm.arrayBuffer());
      return {
        mimeType: recording.mimeType,
        webmBytes: webmBytes.length,
        pcmFrames: recording.left.length,
        sampleRate: recording.sampleRate,
        framesDrawn: composition.framesDrawn,
      };
    },
    read(what, offset, length) {
      if (!recording || !webmBytes) return Promise.reject(new Error('nothing recorded'));
      const bytes =
        what === 'webm'
          ? webmBytes
          : new Uint8Array((what === 'left' ? recording.left : recording.right).buffer);
      return Promise.resolve(base64(bytes.subarray(offset, offset + length)));
    },
  };
  (window as unknown as { __dialtoneRender: RenderApi }).__dialtoneRender = api;
  return services;
}
