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
  /** Time of this track's first and last block from the file's start, ms; null with no blocks. */
  firstBlockMs: number | null;
  lastBlockMs: number | null;
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
  const blocks = new Map<number, { count: number; firstTicks: number; lastTicks: number }>();
  let clusterTicks = 0;
  for (const el of new Decoder().decode(toArrayBuffer(webm))) {
    if (el.type === 'm') {
      if (el.name === 'TrackEntry' && !el.isEnd) {
        track = { number: 0, kind: 'other', codec: '', blocks: 0, firstBlockMs: null, lastBlockMs: null };
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
      // The cluster's time (ts-ebml names it Timestamp, as Matroska does now; older files: Timecode).
      case 'Timestamp':
      case 'Timecode':
        clusterTicks = Number(value);
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
        const block = tools.ebmlBlock((el as unknown as { data: Buffer }).data);
        // A block's timecode is relative to its cluster's.
        const ticks = clusterTicks + block.timecode;
        const seen = blocks.get(block.trackNumber);
        if (seen) {
          seen.count++;
          seen.firstTicks = Math.min(seen.firstTicks, ticks);
          seen.lastTicks = Math.max(seen.lastTicks, ticks);
        } else blocks.set(block.trackNumber, { count: 1, firstTicks: ticks, lastTicks: ticks });
        break;
      }
      default:
        break;
    }
  }
  const toMs = (ticks: number): number => (ticks * timecodeScaleNs) / 1e6;
  for (const t of tracks) {
    const seen = blocks.get(t.number);
    t.blocks = seen?.count ?? 0;
    t.firstBlockMs = seen ? toMs(seen.firstTicks) : null;
    t.lastBlockMs = seen ? toMs(seen.lastTicks) : null;
  }
  return {
    durationMs: durationTicks === null ? null : toMs(durationTicks),
    hasCues,
    tracks,
  };
}
