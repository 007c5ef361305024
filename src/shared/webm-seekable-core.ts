/**
 * WebM as MediaRecorder leaves it lacks a duration and cues (players cannot seek, editors guess the
 * length). `makeSeekableWith` rewrites its header with both, through ts-ebml, for `render` (Node,
 * through webm-seekable.ts) and a recording made in the app (the page) alike. The library is passed
 * in: Node loads `ts-ebml`, the page its self-contained browser bundle (`ts-ebml/dist/EBML.js`),
 * because the package's own entry reaches `ebml` through a browser build that exports nothing.
 */
import type * as TsEbml from 'ts-ebml';

export type EbmlLibrary = Pick<typeof TsEbml, 'Decoder' | 'Reader' | 'tools'>;

function toArrayBuffer(buf: Uint8Array): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** The same file with Duration and Cues in its header (a file that has them comes back unchanged in meaning). */
export function makeSeekableWith(ebml: EbmlLibrary, webm: Uint8Array): Uint8Array {
  const reader = new ebml.Reader();
  reader.logging = false;
  reader.drop_default_duration = false;
  for (const element of new ebml.Decoder().decode(toArrayBuffer(webm))) reader.read(element);
  reader.stop();
  if (reader.metadatas.length === 0) throw new Error('not a WebM file: no EBML header found');
  const header = ebml.tools.makeMetadataSeekable(reader.metadatas, reader.duration, reader.cues);
  const body = webm.subarray(reader.metadataSize);
  const out = new Uint8Array(header.byteLength + body.byteLength);
  out.set(new Uint8Array(header), 0);
  out.set(body, header.byteLength);
  return out;
}
