/**
 * WebM as MediaRecorder leaves it lacks a duration and cues (players cannot seek, editors guess the
 * length). `makeSeekable` rewrites its header with both, through ts-ebml; `readWebm` reads back what
 * a player would see (duration, tracks, frame count) for the command's report and the tests.
 */
import { Decoder, Reader, tools } from 'ts-ebml';

export interface WebmTrack {
  number: number;
  kind: 'video' | 'audio' | 'other';
  codec: string;
  channels?: number;
  width?: number;
  height?: number;
  /** Blocks (frames) stored for this track. */
  blocks: number;
}

export interface WebmInfo {
  /** The Segment's Duration in ms; null when the file has none. */
  durationMs: number | null;
  hasCues: boolean;
  tracks: WebmTrack[];
}

function toArrayBuffer(buf: Uint8Array): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** The same file with Duration and Cues in its header (a file that has them comes back unchanged in meaning). */
export function makeSeekable(webm: Uint8Array): Buffer {
  const reader = new Reader();
  reader.logging = false;
  reader.drop_default_duration = false;
  for (const element of new Decoder().decode(toArrayBuffer(webm))) reader.read(element);
  reader.stop();
  if (reader.metadatas.length === 0) throw new Error('not a WebM file: no EBML header found');
  // ts-ebml's encoder returns the ArrayBuffer under a Buffer.concat result; a small result comes
  // from Node's shared 8 KB pool, so that ArrayBuffer would carry other data after the header.
  // With the pool off for this call the ArrayBuffer is exactly the header.
  const poolSize = Buffer.poolSize;
  let header: ArrayBuffer;
  try {
    Buffer.poolSize = 0;
    header = tools.makeMetadataSeekable(reader.metadatas, reader.duration, reader.cues);
  } finally {
    Buffer.poolSize = poolSize;
  }
  return Buffer.concat([Buffer.from(header), Buffer.from(webm.subarray(reader.metadataSize))]);
}

const TRACK_KINDS: Record<number, WebmTrack['kind']> = { 1: 'video', 2: 'audio' };

export function readWebm(webm: Uint8Array): WebmInfo {
  let timecodeScaleNs = 1_000_000;
  let durationTicks: number | null = null;
  let hasCues = false;
  const tracks: WebmTrack[] = [];
  let track: WebmTrack | null = null;
  const blocks = new Map<number, number>();
  for (const el of new Decoder().decode(toArrayBuffer(webm))) {
    if (el.type === 'm') {
      if (el.name === 'TrackEntry' && !el.isEnd) {
        track = { number: 0, kind: 'other', codec: '', blocks: 0 };
        tracks.push(track);
      }
      if (el.name === 'Cues' && !el.isEnd) hasCues = true;
      continue;
    }
    const value = 'value' in el ? (el.value as unknown) : undefined;
    switch (el.name) {
      case 'TimecodeScale':
        timecodeScaleNs = Number(value);
        break;
      case 'Duration':
        durationTicks = Number(value);
        break;
      case 'TrackNumber':
        if (track) track.number = Number(value);
        break;
      case 'TrackType':
        if (track) track.kind = TRACK_KINDS[Number(value)] ?? 'other';
        break;
      case 'CodecID':
        if (track) track.codec = String(value);
        break;
      case 'Channels':
        if (track) track.channels = Number(value);
        break;
      case 'PixelWidth':
        if (track) track.width = Number(value);
        break;
      case 'PixelHeight':
        if (track) track.height = Number(value);
        break;
      case 'SimpleBlock':
      case 'Block': {
        const number = tools.ebmlBlock((el as unknown as { data: Buffer }).data).trackNumber;
        blocks.set(number, (blocks.get(number) ?? 0) + 1);
        break;
      }
      default:
        break;
    }
  }
  for (const t of tracks) t.blocks = blocks.get(t.number) ?? 0;
  return {
    durationMs: durationTicks === null ? null : (durationTicks * timecodeScaleNs) / 1e6,
    hasCues,
    tracks,
  };
}
