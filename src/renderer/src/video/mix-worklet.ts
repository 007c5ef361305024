/**
 * The recorder's ear on the mix: copies the master's stereo output, as the audio thread renders
 * it, into blocks posted to the page with the context frame of their first sample (so the page
 * knows exactly which context time a recorded sample had, hence when it was audible). Loaded with
 * `audioWorklet.addModule` from a file Vite builds (`?worker&url`), under `script-src 'self'`.
 * Its one output stays silent; it exists so the destination pulls the node every render quantum.
 */
import { scope } from '../audio/worklet-scope';
import { MIX_PROCESSOR, MIX_BLOCK_FRAMES, type MixBlock } from './mix-protocol';

class MixProcessor extends scope.AudioWorkletProcessor {
  private left = new Float32Array(MIX_BLOCK_FRAMES);
  private right = new Float32Array(MIX_BLOCK_FRAMES);
  private filled = 0;
  private blockStartFrame = 0;
  private stopped = false;

  constructor(options?: AudioWorkletNodeOptions) {
    super(options);
    this.port.onmessage = (e: MessageEvent<'stop'>) => {
      if (e.data !== 'stop') return;
      this.flush();
      this.stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const input = inputs[0] ?? [];
    // An input with nothing connected has no channels: silence, still counted (time goes on).
    const l = input[0];
    const r = input[1] ?? l;
    const n = l?.length ?? 128;
    if (this.filled === 0) this.blockStartFrame = scope.currentFrame;
    if (l && r) {
      this.left.set(l, this.filled);
      this.right.set(r, this.filled);
    } else {
      this.left.fill(0, this.filled, this.filled + n);
      this.right.fill(0, this.filled, this.filled + n);
    }
    this.filled += n;
    if (this.filled + 128 > MIX_BLOCK_FRAMES) this.flush();
    return true;
  }

  private flush(): void {
    if (this.filled === 0) return;
    const block: MixBlock = {
      startFrame: this.blockStartFrame,
      left: this.left.slice(0, this.filled),
      right: this.right.slice(0, this.filled),
    };
    this.port.postMessage(block, [block.left.buffer, block.right.buffer]);
    this.filled = 0;
  }
}

scope.registerProcessor(MIX_PROCESSOR, MixProcessor);
