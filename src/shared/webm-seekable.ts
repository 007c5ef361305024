/**
 * WebM as MediaRecorder leaves it lacks a duration and cues (players cannot seek, editors guess the
 * length). `makeSeekable` rewrites its header with both, through ts-ebml, in Node (`render`) and in
 * the page (a recording made in the app) alike.
 */
import './buffer-global';
import { Buffer } from 'buffer';
import { Decoder, Reader, tools } from 'ts-ebml';

function toArrayBuffer(buf: Uint8Array): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** The same file with Duration and Cues in its header (a file that has them comes back unchanged in meaning). */
export function makeSeekableBytes(webm: Uint8Array): Uint8Array {
  const reader = new Reader();
  reader.logging = false;
  reader.drop_default_duration = false;
  for (const element of new Decoder().decode(toArrayBuffer(webm))) reader.read(element);
  reader.stop();
  if (reader.metadatas.length === 0) throw new Error('not a WebM file: no EBML header found');
  // ts-ebml's encoder returns the ArrayBuffer under a Buffer.concat result; a small result comes
  // from Node's shared 8 KB pool, so that ArrayBuffer would carry other data after the header.
  // With the pool off for this call the ArrayBuffer is exactly the header (the page's Buffer has
  // no pool).
  const poolSize = Buffer.poolSize;
  let header: ArrayBuffer;
  try {
    Buffer.poolSize = 0;
    header = tools.makeMetadataSeekable(reader.metadatas, reader.duration, reader.cues);
  } finally {
    Buffer.poolSize = poolSize;
  }
  const body = webm.subarray(reader.metadataSize);
  const out = new Uint8Array(header.byteLength + body.byteLength);
  out.set(new Uint8Array(header), 0);
  out.set(body, header.byteLength);
  return out;
}
