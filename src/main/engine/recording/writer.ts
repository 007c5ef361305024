/**
 * RunRecorder: collects a lane's turns and rewrites the whole file after each one (to a temporary
 * file, then renamed), so a run cut short by a crash or a closed laptop keeps every finished turn.
 */
import { closeSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { RECORDING_FORMAT, RECORDING_VERSION, RecordingError, startsLikeRecording } from './format';
import type { RecordedTurn, Recording } from './format';
import { redact } from '../../../shared/redact';
import { errorMessage } from '../errors';

export interface RecordingHeader {
  provider: Recording['provider'];
  /** Masked by the caller, and again here through the one redaction path. */
  spec: string;
}

export class RunRecorder {
  private readonly recording: Recording;

  /** Writes an empty recording at once, so a path that cannot be written fails before the first turn. */
  constructor(
    readonly file: string,
    header: RecordingHeader,
  ) {
    const spec = redact(header.spec);
    this.recording = {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      recordedAt: new Date().toISOString(),
      provider: { ...header.provider },
      spec,
      turns: [],
    };
    refuseForeignFile(file);
    this.write();
  }

  /** The next turn's 1-based index. */
  nextIndex(): number {
    return this.recording.turns.length + 1;
  }

  /** Appends a turn and rewrites the file. Throws RecordingError when the file cannot be written. */
  addTurn(turn: RecordedTurn): void {
    // A provider's error may quote what it was sent; the file is shared more widely than a terminal.
    this.recording.turns.push(
      turn.error === undefined
        ? turn
        : { ...turn, error: { ...turn.error, message: redact(turn.error.message) } },
    );
    this.write();
  }

  private write(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.recording) + '\n');
      renameSync(tmp, this.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? errorMessage(err);
      throw new RecordingError(`cannot write recording ${this.file} (${code})`);
    }
  }
}

/** Bytes read to tell an existing recording from any other file. */
const HEAD_BYTES = 256;

/**
 * `record=` overwrites an earlier recording (running the same command again records afresh) but no
 * other file: a typo in the path must not destroy someone's data. Says what the file is not, never
 * what it holds.
 */
function refuseForeignFile(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    return; // nothing there (or not reachable): writing says what is wrong
  }
  if (!isFile)
    throw new RecordingError(`cannot write recording ${file}: it is a folder or device, not a file`);
  const head = readHead(file);
  // An empty file (a fresh `mktemp`) holds nothing to lose.
  if (head.trim() !== '' && !startsLikeRecording(head)) {
    throw new RecordingError(
      `record=${file} would overwrite a file that is not a Dialtone recording: choose a new file name`,
    );
  }
}

function readHead(file: string): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new RecordingError(`cannot write recording ${file}: it exists and cannot be read (${code})`);
  }
}
