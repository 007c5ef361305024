/**
 * The AudioWorkletGlobalScope, typed. TypeScript ships no lib for it, and declaring its globals
 * (`sampleRate`, `currentTime`, …) for the whole renderer would let page code use them by mistake;
 * worklet modules read them through `scope` instead.
 */

export interface WorkletProcessorBase {
  readonly port: MessagePort;
}

export interface WorkletProcessorCtor {
  new (options?: AudioWorkletNodeOptions): WorkletProcessorBase;
}

interface WorkletGlobals {
  /** The context's sample rate, Hz. */
  readonly sampleRate: number;
  /** Frame index of the first sample of the render quantum being processed. */
  readonly currentFrame: number;
  readonly AudioWorkletProcessor: WorkletProcessorCtor;
  registerProcessor(name: string, ctor: WorkletProcessorCtor): void;
}

export const scope = globalThis as unknown as WorkletGlobals;

/** Samples per render quantum (fixed by the Web Audio spec). */
export const RENDER_QUANTUM = 128;
