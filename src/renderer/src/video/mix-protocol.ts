/** What the mix recorder's worklet (mix-worklet.ts) and the page say to each other. */

export const MIX_PROCESSOR = 'dialtone-mix-recorder';
/** Frames per posted block (~85 ms at 48 kHz): a multiple of the 128-frame render quantum. */
export const MIX_BLOCK_FRAMES = 4096;

export interface MixBlock {
  /** Context frame of the block's first sample. */
  startFrame: number;
  left: Float32Array;
  right: Float32Array;
}
