/**
 * The WebM duration-and-cues rewrite (webm-seekable-core.ts) with the `ts-ebml` package, for Node.
 * The page must not import this file: it loads ts-ebml's browser bundle instead (see the core).
 */
import { Decoder, Reader, tools } from 'ts-ebml';
import { makeSeekableWith } from './webm-seekable-core';

/** The same file with Duration and Cues in its header (a file that has them comes back unchanged in meaning). */
export function makeSeekableBytes(webm: Uint8Array): Uint8Array {
  // ts-ebml's encoder returns the ArrayBuffer under a Buffer.concat result; a small result comes
  // from Node's shared 8 KB pool, so that ArrayBuffer would carry other data after the header.
  // With the pool off for this call the ArrayBuffer is exactly the header.
  const poolSize = Buffer.poolSize;
  try {
    Buffer.poolSize = 0;
    return makeSeekableWith({ Decoder, Reader, tools }, webm);
  } finally {
    Buffer.poolSize = poolSize;
  }
}
