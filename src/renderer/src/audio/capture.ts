/**
 * Microphone capture: getUserMedia (echo cancellation, noise suppression and auto gain each
 * switchable, a chosen device), the capture worklet (mono, 16 kHz, 512-sample PCM16 frames), and
 * the failure cases a presenter meets — permission denied, no device, device busy, device unplugged
 * — each as a status with a message that says what to do. A device that disappears is picked up
 * again when it (or another one) comes back.
 */
import type { DeviceOption, MicSettings, MicStatus } from '../store/audio-store';
import { errorMessage } from '../../../shared/error-message';
import { capturedAtPerfMs } from './audio-clock';
import type { AudioSystem } from './audio-system';
import {
  CAPTURE_FRAME_SAMPLES,
  CAPTURE_PROCESSOR,
  CAPTURE_RATE,
  type CaptureFrameMessage,
  type CaptureProcessorOptions,
} from './capture-protocol';

export interface CapturedFrame {
  /** 16 kHz mono PCM16, CAPTURE_FRAME_SAMPLES long. */
  samples: Int16Array;
  /** Page-clock time the first sample was captured, ms (see audio-clock.ts). */
  capturedPerfMs: number;
  rms: number;
  peak: number;
}

export interface MicHandlers {
  onFrame(frame: CapturedFrame): void;
  onStatus(status: MicStatus, message: string | null): void;
  onDevices(inputs: DeviceOption[], outputs: DeviceOption[]): void;
}

export const MIC_MESSAGES = {
  denied:
    'Microphone access was denied. Allow the microphone for this page (address bar or system privacy settings), then pick a mic mode again. Typing still works.',
  noDevice:
    'No microphone found. Plug one in: Dialtone picks it up as soon as it appears. Typing still works.',
  busy: 'The microphone could not be opened: another application may be using it.',
  lost: 'The microphone was disconnected. Reconnect it or choose another: capture resumes when one is back.',
  insecure: 'This page cannot use a microphone (it needs http://127.0.0.1, localhost or https).',
} as const;

type Settings = MediaTrackSettings & { latency?: number };

export class MicCapture {
  private stream: MediaStream | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private node: AudioWorkletNode | null = null;
  private wanted = false;
  private settings: MicSettings | null = null;
  private inputLatencyS = 0;
  private opening: Promise<void> | null = null;
  private status: MicStatus = 'off';
  /** Latest frame level, for the meter (read per animation frame). */
  readonly level = { rms: 0, peak: 0 };
  private readonly deviceChanged = (): void => void this.onDeviceChange();

  constructor(
    private readonly system: AudioSystem,
    private readonly handlers: MicHandlers,
  ) {
    navigator.mediaDevices?.addEventListener('devicechange', this.deviceChanged);
  }

  /** Stops capturing and stops following device changes; the capture is not used again. */
  dispose(): void {
    navigator.mediaDevices?.removeEventListener('devicechange', this.deviceChanged);
    this.stop();
  }

  get running(): boolean {
    return this.node !== null;
  }

  /** Starts capturing (or restarts with new settings). */
  async start(settings: MicSettings): Promise<void> {
    this.wanted = true;
    this.settings = settings;
    await this.opening;
    this.close();
    this.opening = this.open().finally(() => (this.opening = null));
    await this.opening;
  }

  stop(): void {
    this.wanted = false;
    this.close();
    this.setStatus('off', null);
  }

  async refreshDevices(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const devices = await navigator.mediaDevices.enumerateDevices();
    const pick = (kind: MediaDeviceKind): DeviceOption[] =>
      devices
        .filter((d) => d.kind === kind && d.deviceId !== '' && d.deviceId !== 'default')
        .map((d, i) => ({
          deviceId: d.deviceId,
          label: d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}`,
        }));
    this.handlers.onDevices(pick('audioinput'), pick('audiooutput'));
  }

  private setStatus(status: MicStatus, message: string | null): void {
    this.status = status;
    this.handlers.onStatus(status, message);
  }

  private async open(): Promise<void> {
    const settings = this.settings!;
    this.setStatus('starting', null);
    if (!navigator.mediaDevices?.getUserMedia) {
      this.setStatus('error', MIC_MESSAGES.insecure);
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          ...(settings.deviceId ? { deviceId: { exact: settings.deviceId } } : {}),
          echoCancellation: settings.echoCancellation,
          noiseSuppression: settings.noiseSuppression,
          autoGainControl: settings.autoGainControl,
        },
      });
    } catch (err) {
      const name = err instanceof DOMException ? err.name : '';
      if (name === 'NotAllowedError' || name === 'SecurityError')
        this.setStatus('denied', MIC_MESSAGES.denied);
      else if (name === 'NotFoundError' || name === 'OverconstrainedError') {
        this.setStatus('no-device', MIC_MESSAGES.noDevice);
      } else if (name === 'NotReadableError' || name === 'AbortError')
        this.setStatus('busy', MIC_MESSAGES.busy);
      else this.setStatus('error', `The microphone could not be opened: ${errorMessage(err)}`);
      return;
    }
    if (!this.wanted) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    await this.system.ready;
    const ctx = this.system.ctx;
    const track = stream.getAudioTracks()[0];
    this.inputLatencyS = (track?.getSettings() as Settings | undefined)?.latency ?? 0;
    track?.addEventListener('ended', () => this.onTrackEnded(stream));
    const options: CaptureProcessorOptions = { outRate: CAPTURE_RATE, frameSamples: CAPTURE_FRAME_SAMPLES };
    const node = new AudioWorkletNode(ctx, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      processorOptions: options,
    });
    node.port.onmessage = (ev: MessageEvent<CaptureFrameMessage>) => this.onWorkletFrame(ev.data);
    const source = new MediaStreamAudioSourceNode(ctx, { mediaStream: stream });
    source.connect(node);
    source.connect(this.system.micToTap);
    this.stream = stream;
    this.source = source;
    this.node = node;
    this.setStatus('on', null);
    // Labels are only readable once the page has microphone permission.
    void this.refreshDevices();
  }

  private onWorkletFrame(msg: CaptureFrameMessage): void {
    const ctx = this.system.ctx;
    this.level.rms = msg.rms;
    this.level.peak = msg.peak;
    this.handlers.onFrame({
      samples: msg.samples,
      capturedPerfMs: capturedAtPerfMs(ctx, msg.contextFrame / ctx.sampleRate, this.inputLatencyS),
      rms: msg.rms,
      peak: msg.peak,
    });
  }

  private onTrackEnded(stream: MediaStream): void {
    if (stream !== this.stream) return;
    this.close();
    if (this.wanted) this.setStatus('lost', MIC_MESSAGES.lost);
  }

  private async onDeviceChange(): Promise<void> {
    await this.refreshDevices().catch(() => {});
    if (!this.wanted || this.opening) return;
    if (this.status !== 'lost' && this.status !== 'no-device') return;
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
    if (inputs.length === 0) return;
    const settings = this.settings!;
    // The chosen device is not back: take the default rather than stay silent.
    if (settings.deviceId && !inputs.some((d) => d.deviceId === settings.deviceId)) {
      this.settings = { ...settings, deviceId: null };
    }
    this.opening = this.open().finally(() => (this.opening = null));
  }

  private close(): void {
    this.node?.port.close();
    this.node?.disconnect();
    this.source?.disconnect();
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.node = null;
    this.source = null;
    this.stream = null;
    this.level.rms = 0;
    this.level.peak = 0;
  }
}
