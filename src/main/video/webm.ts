/**
 * WebM as MediaRecorder leaves it lacks a duration and cues (players cannot seek, editors guess the
 * length). `makeSeekable` rewrites its header with both, through ts-ebml; `readWebm` reads back what
 * a player would see (duration, tracks, frame count) for the command's report and the tests.
 */
import { Decoder, tools } from 'ts-ebml';
import { makeSeekableBytes } from '../../shared/webm-seekable';

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

/** The same file with Duration and Cues in its header (one rewrite for `render` and the app's recording). */
export function makeSeekable(webm: Uint8Array): Buffer {
  const bytes = makeSeekableBytes(webm);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
