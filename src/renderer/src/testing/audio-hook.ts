/**
 * window.__dialtoneAudio: read-only audio diagnostics for the E2E suite and the browser benchmark.
 * Only test builds have it: main.tsx installs it when __DIALTONE_TEST_HOOKS__ is true (web builds
 * made by src/main/web/build.ts for tests, or `DIALTONE_TEST_HOOKS=1`); a production bundle holds
 * none of this module (test/e2e/test-hooks-bundle.test.ts checks).
 */
import type { VoiceController, VoiceLogEntry } from '../audio/voice';

export interface DialtoneAudioHook {
  context(): {
    state: string;
    sampleRate: number;
    baseLatency: number;
    outputLatency: number;
    currentTime: number;
    outputTimestamp: { contextTime: number; performanceTime: number } | null;
  } | null;
  /** RMS of what the speakers get now (master bus), 0–1. */
  outputRms(): number;
  log(): VoiceLogEntry[];
  framesSent(): number;
  /** Engine clock minus page clock, ms (null before sync). */
  engineOffsetMs(): number | null;
  /** The mix tap, for a recorder. */
  tapStream(): MediaStream | null;
}

export function installAudioHook(voice: VoiceController): void {
  if ('__dialtoneAudio' in window) return;
  const buf = new Float32Array(256);
  const hook: DialtoneAudioHook = Object.freeze({
    context() {
      const ctx = voice.system?.ctx;
      if (!ctx) return null;
      const ts = ctx.getOutputTimestamp?.();
      return {
        state: ctx.state,
        sampleRate: ctx.sampleRate,
        baseLatency: ctx.baseLatency ?? 0,
        outputLatency: ctx.outputLatency ?? 0,
        currentTime: ctx.currentTime,
        outputTimestamp: ts
          ? { contextTime: ts.contextTime ?? 0, performanceTime: ts.performanceTime ?? 0 }
          : null,
      };
    },
    outputRms() {
      const analyser = voice.system?.outputAnalyser;
      if (!analyser) return 0;
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const x of buf) sum += x * x;
      return Math.sqrt(sum / buf.length);
    },
    log: () => voice.log.list(),
    framesSent: () => voice.framesSent,
    engineOffsetMs: () => voice.offsetMs(),
    tapStream: () => voice.system?.tap.stream ?? null,
  });
  Object.defineProperty(window, '__dialtoneAudio', { value: hook, writable: false, enumerable: false });
}
